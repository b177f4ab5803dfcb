import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from deliberation.roles import ROLE_PERMISSIONS
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _assert_accessible
from tests.factories import PASSWORD, UserFactory

User = get_user_model()
NEW_PASSWORD = "quiet-harbour-lantern-42"


@pytest.fixture
def roles(transactional_db):
    """Roles come from a data migration, which a transactional test's flush removes."""
    for role, dotted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in dotted:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    cache.clear()
    mail.outbox.clear()


def path_in(message, pattern: str) -> str:
    return re.search(r"https?://[^/\s]+(" + pattern + r")", message.body).group(1)


def fill_sign_up(page, username, email=None):
    page.get_by_label(re.compile(r"^Username")).fill(username)
    if email is not None:
        page.get_by_label(re.compile(r"^Email")).fill(email)
    page.get_by_label(re.compile(r"^Password(?! \(again)")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state("networkidle")


def test_visitor_signs_up_verifies_email_logs_in_and_out(roles, page):
    # The browser's own favicon probe is not part of these pages.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    fill_sign_up(page, "newcomer", "newcomer@example.org")
    expect(page.get_by_text("newcomer@example.org").first).to_be_visible()

    assert len(mail.outbox) == 1
    page.goto(path_in(mail.outbox[0], r"/accounts/confirm-email/\S+/"))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    page.wait_for_load_state("networkidle")

    log_in(page, "newcomer", NEW_PASSWORD)
    logout = page.get_by_role("button", name="Log out")
    expect(logout).to_be_visible()
    expect(page.get_by_role("link", name="newcomer")).to_be_visible()
    assert User.objects.get(username="newcomer").groups.filter(name="Analyst").exists()

    with page.expect_navigation():
        logout.click()
    page.wait_for_load_state("networkidle")
    if page.get_by_role("button", name="Log out").count():  # a confirmation page
        page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    assert page.console_errors == []


def test_invited_editor_signs_up_and_reaches_the_invitations_page(roles, new_page):
    UserFactory(username="edith", role="Editor")
    editor_page = new_page()
    log_in(editor_page, "edith", PASSWORD)
    editor_page.get_by_role("link", name="Invitations").click()
    editor_page.get_by_label("E-mail address").fill("nina@example.org")
    editor_page.get_by_label("Role").select_option("Editor")
    editor_page.get_by_role("button", name="Send invitation").click()
    expect(editor_page.get_by_text("Invitation sent to nina@example.org")).to_be_visible()

    invitee = new_page()
    invitee.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    invitee.goto(path_in(mail.outbox[-1], r"/invitations/[^/\s]+/"))
    expect(invitee.get_by_label(re.compile(r"^Email"))).to_have_value("nina@example.org")
    fill_sign_up(invitee, "nina")

    invitee.get_by_role("link", name="Invitations").click()
    expect(invitee.get_by_role("heading", name="Invitations", level=1)).to_be_visible()
    expect(invitee.get_by_text("Accepted by nina")).to_be_visible()

    # The new editor writes an option on the site, then corrects it.
    invitee.get_by_role("link", name="New option").click()
    invitee.get_by_role("link", name="Strategy").click()
    expect(invitee.get_by_role("heading", name=re.compile("^New strategy", re.I))).to_be_visible()
    _assert_accessible(invitee, "new strategy form")
    invitee.get_by_label(re.compile(r"^Title")).fill("Extended deterrence")
    invitee.get_by_label(re.compile(r"^Body")).fill("Joint exercises with **allies**.")
    invitee.get_by_label(re.compile(r"^Status")).select_option("published")
    invitee.get_by_role("button", name="Save the option").click()
    expect(invitee.get_by_role("heading", name="Extended deterrence", level=1)).to_be_visible()
    expect(invitee.get_by_text("is saved as published")).to_be_visible()
    invitee.get_by_role("link", name="Edit this option").click()
    invitee.get_by_label(re.compile(r"^Slug")).fill("not a slug")
    invitee.get_by_role("button", name="Save changes").click()
    expect(invitee.get_by_text(re.compile("Enter a valid .slug.")).first).to_be_visible()
    _assert_accessible(invitee, "option form with an error")
    invitee.get_by_label(re.compile(r"^Slug")).fill("extended-deterrence")
    invitee.get_by_label(re.compile(r"^Title")).fill("Extended nuclear deterrence")
    invitee.get_by_role("button", name="Save changes").click()
    expect(
        invitee.get_by_role("heading", name="Extended nuclear deterrence", level=1)
    ).to_be_visible()
    # The rejected form answered 400, as it should; nothing else went wrong.
    assert [e for e in invitee.console_errors if "status of 400" not in e] == []
