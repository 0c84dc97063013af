"""A clerk on duty sends a disaster notice from a template: sign in, pick, fill from lists, preview in
nine languages, send (issue 20). Plain forms: it works the same without JavaScript."""
from __future__ import annotations

import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

PASSWORD = "a long passphrase for the night desk"
AXE = Axe()


def violations(page) -> list[str]:
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in AXE.run(page).response["violations"]]


def test_a_clerk_goes_from_sign_in_to_a_sent_earthquake_notice(live_server, browser):
    live_server.flask("staff", "create", "night-desk@city.example.jp", "--role", "publisher", "--password-stdin",
                      stdin=PASSWORD + "\n")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/notices")
        page.fill("#email", "night-desk@city.example.jp")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/notices")

        page.click("text=New notice from a template")
        assert page.locator(".machine-note").first.is_visible()
        assert violations(page) == []
        page.click("a.button:has-text('Earthquake')")
        page.fill("#field_time", "03:05")
        page.select_option("#field_intensity", "6-")
        page.click("button[value=preview]")
        page.wait_for_selector("#preview-my")

        previews = page.locator(".template-preview")
        assert previews.count() == 9
        assert page.locator("#preview-ja .phone-title").inner_text() == "新宿区で震度6弱の地震"
        assert "seismic intensity 6 lower (shindo 6-)" in page.locator("#preview-en .phone-body").inner_text()
        assert page.locator("#preview-en .machine-note").is_visible()
        assert page.locator("#preview-ja .machine-note").count() == 0
        assert violations(page) == []

        page.click("#preview button[value=send]")  # sent from below the previews, where the clerk has read them
        page.wait_for_url("**/admin/notices/*")
        assert "Scheduled. It goes out now." in page.inner_text("main")
        assert "earthquake" in page.inner_text("main")
        page.click("a.button.danger")  # cancelling is apart, and asks first on a page that names the notice
        assert page.inner_text("h1") == "Cancel the notice “Earthquake: seismic intensity 6 lower (shindo 6-)”?"
        assert violations(page) == []
    finally:
        context.close()
    with live_server.database() as connection:
        row = connection.execute(sa.text("SELECT state, urgency, template_id FROM notices ORDER BY id DESC")).first()
    assert tuple(row) == ("scheduled", "high", "earthquake")
