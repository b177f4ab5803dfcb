"""Browsing the catalogue in real Chromium: home, filtered list, option page."""

import re

from playwright.sync_api import expect

from policies.models import Option
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    ActorFactory,
    BriefFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    StrategyFactory,
    UserFactory,
)

# Records Content Security Policy violations before any page script runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def watch(page):
    page.add_init_script(CSP_LISTENER)
    return page


def assert_clean(page):
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def catalogue():
    brief = BriefFactory(title="Russia and North Korea", slug="ru-nk")
    japan = ActorFactory(name="Japan", slug="japan")
    deterrence = StrategyFactory(
        title="Strengthen deterrence",
        slug="strengthen-deterrence",
        summary="Joint exercises with allies.",
        body="Raise the **readiness** of allied forces.",
        brief=brief,
    )
    deterrence.actors.add(japan)
    alliance = InitiativeFactory(
        title="Regional security alliance",
        slug="regional-security-alliance",
        summary="Defence pacts in the region.",
        brief=brief,
    )
    alliance.strategies.add(deterrence)
    alliance.actors.add(japan)
    SanctionTypeFactory(title="Asset freezes", slug="asset-freezes", summary="Freeze assets.")
    StrategyFactory(title="Unreleased idea", slug="unreleased", status=Option.Status.DRAFT)


def test_reader_browses_home_filters_the_list_and_opens_an_option(page):
    catalogue()
    watch(page)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Weigh the options")
    expect(page.get_by_role("heading", name=re.compile("^Strategies"))).to_be_visible()
    expect(page.get_by_role("link", name="Strengthen deterrence")).to_be_visible()
    expect(page.get_by_text("Unreleased idea")).to_have_count(0)

    page.get_by_role("link", name="Browse all options").click()
    expect(page).to_have_url(re.compile("/options/$"))
    page.get_by_label("Kind").select_option("initiative")
    page.get_by_label("Actor").select_option("japan")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=initiative"))
    results = page.locator(".results")
    expect(results.get_by_role("link", name="Regional security alliance")).to_be_visible()
    expect(results.get_by_role("link", name="Strengthen deterrence")).to_have_count(0)
    expect(results.get_by_role("link", name="Asset freezes")).to_have_count(0)

    results.get_by_role("link", name="Regional security alliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional security alliance")
    expect(page.locator("#field-description")).to_be_visible()
    page.get_by_role("link", name="Strengthen deterrence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strengthen deterrence")
    expect(page.locator("#field-body strong")).to_have_text("readiness")

    page.get_by_role("link", name="Russia and North Korea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Russia and North Korea")
    assert_clean(page)


def test_bad_filter_value_shows_an_error_beside_the_filter(page):
    catalogue()
    watch(page)

    page.goto("/options/?created_after=not-a-date")

    expect(page.locator(".field-invalid")).to_contain_text("Enter a valid date")
    expect(page.locator(".option-card")).to_have_count(0)
    assert_clean(page)


def test_pages_fit_a_phone_screen(new_page):
    catalogue()
    page = watch(new_page())
    page.set_viewport_size({"width": 375, "height": 740})

    for url in ("/", "/options/", "/options/strengthen-deterrence/", "/accounts/login/"):
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, url
    assert_clean(page)


def test_staff_logs_in_and_sees_a_draft(page):
    catalogue()
    UserFactory(username="stella", role="", is_staff=True)
    watch(page)

    log_in(page, "stella", PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.goto("/options/?status=draft")

    expect(page.get_by_role("link", name="Unreleased idea")).to_be_visible()
    page.get_by_role("link", name="Unreleased idea").click()
    expect(page.locator(".badge-draft")).to_have_text("Draft")
    assert_clean(page)


def test_keyboard_user_can_skip_to_the_content(page):
    catalogue()
    watch(page)
    page.goto("/options/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    assert_clean(page)
