"""Text no database can store (NUL, other control characters, lone surrogates) is refused with a
4xx in the reader's language before it reaches a query; tabs and line breaks are ordinary text."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError, fields

from shinjuku_pwa.core.api_fields import InputSchema


class NoteArgs(InputSchema):
    title = fields.String()
    lines = fields.List(fields.String())
    texts = fields.Dict(keys=fields.String(), values=fields.String())


@pytest.mark.parametrize("bad", ["a\x00b", "\x1b[31m", "\x7f", "\ud800", "x\udfff"])
def test_unstorable_characters_anywhere_in_the_input_are_refused_under_their_field(bad):
    for data, field in (({"title": bad}, "title"), ({"lines": ["ok", bad]}, "lines"), ({"texts": {"ja": bad}}, "texts")):
        with pytest.raises(ValidationError) as refused:
            NoteArgs().load(data)
        assert list(refused.value.messages) == [field]


def test_tabs_and_line_breaks_are_ordinary_text():
    assert NoteArgs().load({"title": "一行目\r\n二行目\tタブ"}) == {"title": "一行目\r\n二行目\tタブ"}


def test_an_unsubscribe_with_a_nul_byte_is_a_422_in_the_readers_language(app):
    response = app.test_client().delete("/api/v1/push/subscriptions", json={"endpoint": "https://fcm.googleapis.com/\x00"},
                                        headers={"Accept-Language": "ja"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["endpoint"] == ["使えない文字が含まれています。"]


def test_a_staff_sign_in_with_a_nul_byte_is_refused_without_touching_the_database(app):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/admin/login", data={"csrf_token": token, "email": "clerk\x00@city.example.jp", "password": "x"})
    assert 400 <= response.status_code < 500


def test_search_still_answers_any_text_because_it_cleans_it_itself(client):
    assert client.get("/api/v1/search", query_string={"q": "ごみ\x00"}).status_code == 200
