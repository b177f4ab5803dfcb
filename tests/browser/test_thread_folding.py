"""A reader folds a long sub-thread away and opens it again, deep replies included."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CommentFactory, SanctionTypeFactory


@pytest.fixture
def deep_thread(transactional_db):
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted-sanctions")
    parent = CommentFactory(option=option, body="Level 0")
    for depth in range(1, 7):
        parent = CommentFactory(option=option, parent=parent, body=f"Level {depth}")
    return option


def test_reader_folds_and_unfolds_replies_at_any_depth(page, deep_thread):
    page.goto(deep_thread.get_absolute_url())
    first_fold = page.locator("#comment-" + str(deep_thread.comments.get(body="Level 0").pk))
    fold = first_fold.locator(":scope > details.replies-fold > summary")
    expect(fold).to_have_text(re.compile(r"^6 replies"))
    # A screen reader hears whose replies each fold holds.
    expect(fold).to_have_accessible_name(re.compile(r"6 replies to analyst\d+"))
    expect(page.get_by_text("Level 1")).to_be_visible()

    fold.click()
    expect(page.get_by_text("Level 1")).to_be_hidden()
    expect(page.get_by_text("Level 0")).to_be_visible()
    fold.press("Enter")  # the keyboard opens it again
    expect(page.get_by_text("Level 1")).to_be_visible()

    # Deep replies load in place, and fold like the rest.
    page.get_by_role("link", name="Show 2 more replies").click()
    expect(page.get_by_text("Level 6")).to_be_visible()
    deep_fold = page.locator(
        "#comment-" + str(deep_thread.comments.get(body="Level 4").pk)
    ).locator(":scope > details.replies-fold > summary")
    expect(deep_fold).to_have_text(re.compile(r"^2 replies"))
    deep_fold.click()
    expect(page.get_by_text("Level 5")).to_be_hidden()
    expect(page.get_by_text("Level 4")).to_be_visible()
    assert page.console_errors == []


def test_folded_replies_stay_folded_when_an_action_redraws_the_thread(new_page, deep_thread):
    from tests.browser.conftest import log_in
    from tests.factories import PASSWORD, UserFactory

    UserFactory(username="ana")
    page = new_page()
    log_in(page, "ana", PASSWORD)
    page.goto(deep_thread.get_absolute_url())
    level1 = deep_thread.comments.get(body="Level 1")
    page.locator(f"#comment-{level1.pk} > details.replies-fold > summary").click()
    expect(page.get_by_text("Level 2")).to_be_hidden()

    # Ana endorses the first argument: the discussion is drawn again from the server.
    first = page.locator(f"#comment-{deep_thread.comments.get(body='Level 0').pk}")
    first.locator(":scope > .comment-actions").get_by_role("button", name="Endorse").click()
    expect(page.get_by_text("You endorse this argument.")).to_be_visible()
    expect(page.get_by_text("Level 1")).to_be_visible()
    expect(page.get_by_text("Level 2")).to_be_hidden()
    assert page.console_errors == []
