"""Digital-skills guides are linked from the procedures they help with."""
from __future__ import annotations

from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.pages.models import Page
from shinjuku_pwa.procedures.models import Procedure


def test_a_procedure_page_links_the_guides_that_help_with_it(client):
    html = client.get("/en/procedures/child-allowance").get_data(as_text=True)
    assert 'id="guides-heading"' in html
    assert 'href="/en/pages/guide-my-number-online"' in html and 'href="/en/pages/guide-e-applications"' in html
    assert 'id="guides-heading"' not in client.get("/en/procedures/dog-registration-change").get_data(as_text=True)


def test_every_guide_is_linked_from_a_procedure_or_a_page(content_app):
    with content_app.app_context():
        from_procedures = {g for p in db.session.scalars(select(Procedure)) for g in p.facts.get("guides", [])}
        from_pages = {r for p in db.session.scalars(select(Page).where(Page.published)) for r in p.related}
        guides = {p.slug for p in db.session.scalars(select(Page).where(Page.slug.like("guide-%")))}
    assert guides and guides <= from_procedures | from_pages
    assert {"guide-my-number-online", "guide-e-applications", "guide-scam-messages"} <= from_procedures
