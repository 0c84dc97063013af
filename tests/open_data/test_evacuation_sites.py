"""The ward's 10 wide-area evacuation sites on the evacuation page, in every locale, with their hazards."""
from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import func, select

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.content.loader import ContentInvalid
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.open_data.models import EvacuationSite
from tests.conftest import BUNDLED_CONTENT
from tests.content_factory import make_content


def test_all_ten_sites_are_imported_with_their_hazards(content_app):
    with content_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvacuationSite)) == 10
        gyoen = db.session.get(EvacuationSite, "131041200004")
        assert gyoen.name == "新宿御苑"
        assert gyoen.hazards == {"earthquake": True, "large_fire": True}  # the only hazard columns in our copy
        assert gyoen.labels["en"]["label"] and gyoen.labels["ja-easy"]["reading"]


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_the_evacuation_page_lists_every_site_with_its_hazards_in_every_locale(client, lang):
    html = client.get(f"/{lang}/pages/evacuation-sites").get_data(as_text=True)
    section = html[html.index('class="evacuation-sites"'):]
    section = section[:section.index("</section>")]
    assert len(re.findall(r'class="card evacuation-site"', section)) == 10
    assert "新宿御苑" in section and "おとめ山公園地区一帯" in section
    assert section.count('class="hazard"') == 20  # earthquake and large fire at each of the 10
    assert "https://catalog.data.metro.tokyo.lg.jp/dataset/t131041d0000000115" in section


def test_words_for_the_hazards_are_in_the_readers_language(client):
    english = client.get("/en/pages/evacuation-sites").get_data(as_text=True)
    assert '<span class="hazard">Earthquake</span>' in english and '<span class="hazard">Large-scale fire</span>' in english
    korean = client.get("/ko/pages/evacuation-sites").get_data(as_text=True)
    assert '<span class="hazard">Earthquake</span>' not in korean


def test_an_address_the_data_gets_wrong_is_not_shown(client):
    html = client.get("/en/pages/evacuation-sites").get_data(as_text=True)
    assert "霞ヶ岳町" not in html and "東京都新宿区内藤町" in html


def test_other_pages_show_no_sites(client):
    assert 'class="evacuation-sites"' not in client.get("/en/pages/moving-in").get_data(as_text=True)


def test_a_utf16_sites_file_as_the_ward_publishes_it_imports_the_same(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    shutil.copytree(BUNDLED_CONTENT / "open-data" / "evacuation-sites", root / "open-data" / "evacuation-sites")
    path = root / "open-data" / "evacuation-sites" / "000399967.csv"
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    app = make_app(content_dir=root)
    with app.app_context():
        import_content(root)
        assert db.session.scalar(select(func.count()).select_from(EvacuationSite)) == 10
        path.write_bytes(b"\xff\xfe" + text.replace("131041200002", "131041200001").encode("utf-16-le"))
        with pytest.raises(ContentInvalid) as caught:
            import_content(root)
        assert "content/open-data/evacuation-sites/000399967.csv:3: duplicate ID 131041200001" in str(caught.value)
