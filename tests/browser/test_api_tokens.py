"""An analyst makes an API token in the browser, uses it, and revokes it, on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import VIEWPORTS, _assert_accessible
from tests.factories import PASSWORD, UserFactory


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_analyst_makes_uses_and_revokes_a_token(new_page, transactional_db, viewport):
    UserFactory(username="ana")
    page = new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, "ana", PASSWORD)
    page.goto("/people/ana/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()

    # Making a token asks for the password, then carries on.
    page.get_by_role("button", name="Make a new token").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Copy it now")).to_be_visible()
    token = page.locator("#new-token").inner_text()
    _assert_accessible(page, "API tokens with a new one")

    me = page.request.get("/api/me/", headers={"Authorization": f"Token {token}"})
    assert me.ok and me.json()["username"] == "ana"

    page.get_by_role("button", name=f"Revoke the token {token[:15]}…").click()
    expect(page.get_by_text(f"The token {token[:15]}… is revoked.")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    gone = page.request.get("/api/me/", headers={"Authorization": f"Token {token}"})
    assert gone.status == 401
    assert page.console_errors == []
