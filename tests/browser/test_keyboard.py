"""The site works from the keyboard alone: Tab, Shift+Tab, arrows, Space and Enter.

No mouse clicks here: every interaction goes through page.keyboard, the way someone
who cannot use a pointer reaches the skip link, the navigation, the vote and the
comment form."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from deliberation.roles import ensure_role_groups
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommentFactory, SanctionTypeFactory, UserFactory

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    return {
        tag: e.tagName.toLowerCase(),
        id: e.id,
        type: e.getAttribute("type") || "",
        name: e.getAttribute("name") || "",
        text: (e.innerText || e.value || "").trim(),
        form: e.form ? e.form.id : (e.closest("form") ? e.closest("form").id : ""),
    };
}"""


@pytest.fixture
def option(transactional_db):
    ensure_role_groups()
    cache.clear()
    UserFactory(username="ana", role="Analyst")
    oscar = UserFactory(username="oscar", role="Analyst")
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted-sanctions")
    CommentFactory(option=option, author=oscar, stance="oppose", body="Too slow to act.")
    return option


def focused(page):
    return page.evaluate(FOCUSED)


def tab_until(page, matches, limit=250, key="Tab"):
    """Press Tab until the focused element satisfies matches(info); returns that info."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        if info and matches(info):
            return info
        seen.append(info and (info["tag"], info["text"][:30], info["id"]))
    raise AssertionError(f"never reached by {key}; focus went through {seen[:60]}")


def test_first_tab_reaches_the_skip_link_which_jumps_to_the_content(page, option):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is inside the page's content, not back in the header.
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize(
    "who,expected",
    [
        (
            "anonymous",
            ["Skip to content", "Policy Deliberation", "Options", "Briefs", "Log in", "Sign up"],
        ),
        ("ana", ["Skip to content", "Policy Deliberation", "Options", "Briefs", "ana", "Log out"]),
    ],
)
def test_tab_order_is_skip_link_then_main_navigation(page, option, who, expected):
    if who != "anonymous":
        log_in(page, who, PASSWORD)
    page.goto("/options/")
    stops = []
    for _ in expected:
        page.keyboard.press("Tab")
        stops.append(focused(page)["text"])
    assert stops == expected
    nav_stops = page.evaluate(
        "Array.from(document.querySelectorAll('nav[aria-label=Main] a, nav[aria-label=Main] "
        "button')).map(e => e.innerText.trim())"
    )
    assert nav_stops == expected[1:]


def test_analyst_logs_in_with_the_keyboard_alone(page, option):
    page.goto("/accounts/login/")
    tab_until(page, lambda f: f["name"] == "login")
    page.keyboard.type("ana")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_analyst_votes_with_the_keyboard_and_the_tally_shows_it(page, option):
    log_in(page, "ana", PASSWORD)
    page.goto(option.get_absolute_url())
    expect(page.locator('[data-tally="support"]')).to_have_text("0")

    # Into the vote's radio group, then Space picks the focused choice (Support).
    first = tab_until(page, lambda f: f["form"] == "vote-form" and f["type"] == "radio")
    assert first["name"] == "choice"
    expect(page.get_by_label("Support", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Support", exact=True)).to_be_checked()
    tab_until(page, lambda f: f["form"] == "vote-form" and f["tag"] == "button", limit=5)
    page.keyboard.press("Enter")
    expect(page.locator('[data-tally="support"]')).to_have_text("1")
    expect(page.get_by_text("You voted support.")).to_be_visible()
    # The new tally replaces the panel; the keyboard user keeps their place.
    expect(page.get_by_role("button", name="Vote")).to_be_focused()

    # Change the vote: back into the choices, the arrow keys move through them.
    back = tab_until(page, lambda f: f["type"] == "radio", limit=3, key="Shift+Tab")
    assert back["form"] == "vote-form"
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Oppose", exact=True)).to_be_checked()
    tab_until(page, lambda f: f["form"] == "vote-form" and f["tag"] == "button", limit=5)
    page.keyboard.press("Space")
    expect(page.locator('[data-tally="oppose"]')).to_have_text("1")
    expect(page.locator('[data-tally="support"]')).to_have_text("0")
    expect(page.get_by_text("You voted oppose.")).to_be_visible()


def test_analyst_posts_an_argument_with_the_keyboard_alone(page, option):
    log_in(page, "ana", PASSWORD)
    page.goto(option.get_absolute_url())
    new_argument = page.get_by_role("button", name="Post argument").evaluate("b => b.form.id")

    stance = tab_until(page, lambda f: f["form"] == new_argument and f["type"] == "radio")
    assert stance["name"] == "stance"
    page.keyboard.press("ArrowRight")  # For -> Against
    form = page.locator(f"#{new_argument}")
    expect(form.get_by_label("Against", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(form.get_by_label("Your argument")).to_be_focused()
    page.keyboard.type("Enforcement needs allies on board.")
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Post argument")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your argument is posted.")).to_be_visible()
    against = page.locator(".column-against")
    expect(against.get_by_text("Enforcement needs allies on board.")).to_be_visible()
    expect(against.locator(".count").first).to_have_text("2")
    expect(form.get_by_role("button", name="Post argument")).to_be_focused()


def test_analyst_opens_a_reply_form_with_the_keyboard(page, option):
    log_in(page, "ana", PASSWORD)
    page.goto(option.get_absolute_url())
    tab_until(page, lambda f: f["tag"] == "summary" and f["text"] == "Reply")
    page.keyboard.press("Enter")
    # Tab leads from the opened summary through the reply's stance into its text box.
    info = tab_until(page, lambda f: f["tag"] == "textarea", limit=5)
    assert info["name"] == "body"
    page.keyboard.type("Slow, but it compounds.")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Post reply"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.locator("article.comment").get_by_text("Slow, but it compounds.")).to_be_visible()


@pytest.mark.parametrize("who", ["anonymous", "ana"])
def test_focus_is_visible_on_every_link_and_button(page, option, who):
    if who != "anonymous":
        log_in(page, who, PASSWORD)
    page.goto(option.get_absolute_url())
    invisible, checked = [], 0
    for _ in range(120):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e || e === document.body) return null;
                const s = getComputedStyle(e);
                return {
                    tag: e.tagName.toLowerCase(), text: (e.innerText || "").trim().slice(0, 40),
                    outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    focusVisible: e.matches(":focus-visible"),
                };
            }"""
        )
        if style is None:
            break  # past the last stop
        if style["tag"] not in {"a", "button", "summary"}:
            continue
        checked += 1
        if not style["focusVisible"] or style["outline"] == "none" or style["width"] < 2:
            invisible.append(style)
    assert checked >= 8, f"only {checked} links and buttons reached"
    assert invisible == []
