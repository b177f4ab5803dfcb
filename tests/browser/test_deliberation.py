"""Two analysts argue over "Targeted Sanctions" in a real browser; a moderator steps in."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from deliberation.roles import ensure_role_groups
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, SanctionTypeFactory, UserFactory


@pytest.fixture
def cast(transactional_db):
    ensure_role_groups()  # an earlier transactional test may have flushed them
    cache.clear()
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted-sanctions")
    return {
        "option": option,
        "ana": UserFactory(username="ana", role="Analyst"),
        "oscar": UserFactory(username="oscar", role="Analyst"),
        "mona": UserFactory(username="mona", role="Moderator"),
    }


def _csp_errors(page):
    return [m for m in page.console_errors if "Content Security Policy" in m]


def test_two_analysts_argue_vote_flag_and_a_moderator_hides(new_page, cast):
    url = cast["option"].get_absolute_url()

    # Ana argues for the option.
    ana = new_page()
    log_in(ana, "ana", PASSWORD)
    ana.goto(url)
    new_form = ana.locator("#new")
    new_form.get_by_label("For", exact=True).check()
    new_form.get_by_label("Your argument").fill("Asset freezes hit the **elite** directly.")
    new_form.get_by_role("button", name="Post argument").click()
    expect(ana.get_by_text("Your argument is posted.")).to_be_visible()
    column_for = ana.locator(".column-for")
    expect(column_for.get_by_text("Asset freezes hit the elite directly.")).to_be_visible()
    expect(ana).to_have_url(re.compile(r"/options/targeted-sanctions/$"))  # no page reload

    # Oscar reads it, replies against, endorses it, votes and changes the vote, flags it.
    oscar = new_page()
    log_in(oscar, "oscar", PASSWORD)
    oscar.goto(url)
    argument = oscar.locator("article.comment").filter(has_text="Asset freezes hit")
    expect(argument).to_be_visible()
    argument.locator("summary", has_text="Reply").click()
    reply_form = argument.locator("form.comment-form")
    reply_form.get_by_label("Against", exact=True).check()
    reply_form.get_by_label("Your reply").fill("Elites move money through third countries.")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(oscar.get_by_text("Your reply is posted.")).to_be_visible()
    reply = oscar.locator("article.comment-oppose").filter(has_text="Elites move money")
    expect(reply).to_be_visible()

    argument = oscar.locator("article.comment").filter(has_text="Asset freezes hit").first
    argument.get_by_role("button", name="Endorse").click()
    expect(oscar.get_by_text("You endorse this argument.")).to_be_visible()
    expect(oscar.locator(".endorsement-count").first).to_have_text("1 endorsement")

    vote = oscar.locator("#vote-form")
    vote.get_by_label("Support").check()
    vote.get_by_role("button", name="Vote").click()
    expect(oscar.locator('[data-tally="support"]')).to_have_text("1")
    vote = oscar.locator("#vote-form")
    vote.get_by_label("Oppose").check()
    vote.get_by_role("button", name="Vote").click()
    expect(oscar.locator('[data-tally="oppose"]')).to_have_text("1")
    expect(oscar.locator('[data-tally="support"]')).to_have_text("0")
    expect(oscar.get_by_text("You voted oppose.")).to_be_visible()

    argument = oscar.locator("article.comment").filter(has_text="Asset freezes hit").first
    argument.locator("summary", has_text="Flag").first.click()
    argument.get_by_label("Reason").first.select_option("misinformation")
    argument.get_by_role("button", name="Flag", exact=True).first.click()
    expect(oscar.get_by_text("Thank you: the moderators will look at it.")).to_be_visible()

    # Ana sees the reply and where the room stands.
    ana.reload()
    expect(ana.get_by_text("Elites move money through third countries.")).to_be_visible()
    expect(ana.locator('[data-tally="oppose"]')).to_have_text("1")
    expect(ana.locator('[data-tally="net"]')).to_have_text("-1")

    # The moderator hides the flagged argument from the queue.
    mona = new_page()
    log_in(mona, "mona", PASSWORD)
    mona.goto("/moderation/")
    flagged = mona.locator("li.flag").filter(has_text="Asset freezes hit")
    expect(flagged).to_be_visible()
    flagged.get_by_label("Reason (recorded)").fill("Misleading claim about asset freezes")
    flagged.get_by_role("button", name="Hide").click()
    expect(mona.get_by_text("The comment is hidden.")).to_be_visible()
    expect(mona.get_by_text("No open flags. All clear.")).to_be_visible()

    # Ana sees her argument gone; the reply keeps its place.
    ana.reload()
    expect(ana.get_by_text("Asset freezes hit the elite directly.")).to_have_count(0)
    expect(ana.get_by_text("This comment is hidden by the moderators.")).to_be_visible()
    expect(ana.get_by_text("Elites move money through third countries.")).to_be_visible()

    with ana.expect_navigation():
        ana.get_by_role("button", name="Log out").click()
    ana.wait_for_load_state("networkidle")
    if ana.get_by_role("button", name=re.compile("Log out|Sign out")).count():
        ana.get_by_role("button", name=re.compile("Log out|Sign out")).last.click()
    ana.goto(url)
    expect(ana.get_by_text("to add your argument")).to_be_visible()

    for page in (ana, oscar, mona):
        assert _csp_errors(page) == []


def _mark_page(page):
    """A flag on the window: it survives htmx swaps and is lost on a full page load."""
    page.evaluate("window.__samePage = true")


def _still_same_page(page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_author_edits_and_deletes_an_argument_without_a_page_reload(new_page, cast):
    url = cast["option"].get_absolute_url()
    ana = new_page()
    log_in(ana, "ana", PASSWORD)
    ana.goto(url)
    _mark_page(ana)

    new_form = ana.locator("#new")
    new_form.get_by_label("Against", exact=True).check()
    new_form.get_by_label("Your argument").fill("Freezes are slow to bite.")
    new_form.get_by_role("button", name="Post argument").click()
    expect(ana.get_by_text("Your argument is posted.")).to_be_visible()
    argument = ana.locator("article.comment").filter(has_text="Freezes are slow to bite.")
    expect(ana.locator(".column-against").get_by_text("Freezes are slow to bite.")).to_be_visible()

    argument.get_by_role("link", name="Edit").click()
    edit_form = argument.locator("form[id^=edit-]")
    edit_form.get_by_label("Your argument").fill("Freezes bite within months.")
    edit_form.get_by_label("For", exact=True).check()
    edit_form.get_by_role("button", name="Save changes").click()
    expect(ana.get_by_text("Your comment is updated.")).to_be_visible()
    edited = ana.locator(".column-for article.comment").filter(has_text="Freezes bite within")
    expect(edited.locator(".edited")).to_have_text("(edited)")
    expect(ana.get_by_text("Freezes are slow to bite.")).to_have_count(0)

    ana.once("dialog", lambda dialog: dialog.accept())
    edited.get_by_role("button", name="Delete").click()
    expect(ana.get_by_text("Your comment is deleted.")).to_be_visible()
    expect(ana.get_by_text("This comment was deleted by its author.")).to_be_visible()
    expect(ana.get_by_text("Freezes bite within months.")).to_have_count(0)
    assert _still_same_page(ana)
    assert _csp_errors(ana) == []


def test_votes_posts_endorsements_and_flags_swap_in_place(new_page, cast):
    url = cast["option"].get_absolute_url()
    oscar = new_page()
    log_in(oscar, "oscar", PASSWORD)
    oscar.goto(url)
    _mark_page(oscar)

    vote = oscar.locator("#vote-form")
    vote.get_by_label("Abstain").check()
    vote.get_by_role("button", name="Vote").click()
    expect(oscar.locator('[data-tally="abstain"]')).to_have_text("1")
    vote = oscar.locator("#vote-form")
    vote.get_by_label("Withdraw my vote").check()
    vote.get_by_role("button", name="Vote").click()
    expect(oscar.get_by_text("Your vote is withdrawn.")).to_be_visible()
    expect(oscar.locator('[data-tally="abstain"]')).to_have_text("0")

    new_form = oscar.locator("#new")
    new_form.get_by_label("Your argument").fill("Secondary sanctions close the loopholes.")
    new_form.get_by_role("button", name="Post argument").click()
    expect(oscar.get_by_text("Your argument is posted.")).to_be_visible()
    assert _still_same_page(oscar)
    assert _csp_errors(oscar) == []


def test_for_and_against_stand_side_by_side_on_a_laptop_and_stack_on_a_phone(new_page, cast):
    from tests.factories import CommentFactory

    option = cast["option"]
    CommentFactory(option=option, author=cast["ana"], stance="support", body="Pro point.")
    CommentFactory(option=option, author=cast["oscar"], stance="oppose", body="Contra point.")
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(option.get_absolute_url())
    for_box = page.locator(".column-for").bounding_box()
    against_box = page.locator(".column-against").bounding_box()
    assert abs(for_box["y"] - against_box["y"]) < 2
    assert against_box["x"] >= for_box["x"] + for_box["width"]

    page.set_viewport_size({"width": 390, "height": 844})
    for_box = page.locator(".column-for").bounding_box()
    against_box = page.locator(".column-against").bounding_box()
    assert against_box["y"] >= for_box["y"] + for_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_every_action_works_with_javascript_off(browser, live_server, cast):
    contexts = []

    def page_without_javascript(username):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username, PASSWORD)
        page.goto(cast["option"].get_absolute_url())
        return page

    try:
        page = page_without_javascript("ana")
        new_form = page.locator("#new")
        new_form.get_by_label("Against", exact=True).check()
        new_form.get_by_label("Your argument").fill("Enforcement depends on third countries.")
        new_form.get_by_role("button", name="Post argument").click()
        expect(page.get_by_text("Your argument is posted.")).to_be_visible()
        expect(
            page.locator(".column-against").get_by_text("Enforcement depends on third countries.")
        ).to_be_visible()

        vote = page.locator("#vote-form")
        vote.get_by_label("Oppose").check()
        vote.get_by_role("button", name="Vote").click()
        expect(page.get_by_text("Your vote: oppose.")).to_be_visible()
        expect(page.locator('[data-tally="oppose"]')).to_have_text("1")

        argument = page.locator("article.comment").filter(has_text="Enforcement depends")
        argument.get_by_role("link", name="Edit").click()
        page.get_by_label("Your argument").fill("Enforcement hinges on third countries.")
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_text("Your comment is updated.")).to_be_visible()
        expect(page.get_by_text("(edited)")).to_be_visible()

        page = page_without_javascript("oscar")
        argument = page.locator("article.comment").filter(has_text="Enforcement hinges")
        argument.get_by_role("button", name="Endorse").click()
        expect(page.get_by_text("You endorse this argument.")).to_be_visible()
        argument = page.locator("article.comment").filter(has_text="Enforcement hinges")
        argument.locator("summary", has_text="Reply").click()
        argument.get_by_label("Your reply").fill("Which ones?")
        argument.get_by_role("button", name="Post reply").click()
        expect(page.get_by_text("Your reply is posted.")).to_be_visible()
        argument = page.locator("article.comment").filter(has_text="Enforcement hinges").first
        argument.locator("summary", has_text="Flag").first.click()
        argument.get_by_label("Reason").first.select_option("off_topic")
        argument.get_by_role("button", name="Flag", exact=True).first.click()
        expect(page.get_by_text("Thank you: the moderators will look at it.")).to_be_visible()
    finally:
        for context in contexts:
            context.close()


def test_moderator_reviews_comments_hidden_by_flags_from_the_queue(new_page, cast, settings):
    from deliberation import services
    from tests.factories import CommentFactory

    settings.FLAGS_TO_HIDE = 2
    option = cast["option"]
    fair = CommentFactory(option=option, stance="oppose", body="Unpopular but fair point.")
    abusive = CommentFactory(option=option, stance="support", body="Abusive rant.")
    for comment in (fair, abusive):
        for flagger in (UserFactory(role="Analyst"), UserFactory(role="Analyst")):
            services.flag_create(user=flagger, comment=comment, reason="abuse")

    ana = new_page()
    log_in(ana, "ana", PASSWORD)
    ana.goto(option.get_absolute_url())
    expect(ana.get_by_text("Unpopular but fair point.")).to_have_count(0)
    expect(ana.get_by_text("hidden pending review", exact=False)).to_have_count(2)

    mona = new_page()
    log_in(mona, "mona", PASSWORD)
    mona.goto("/moderation/")
    _mark_page(mona)
    fair_flags = mona.locator("li.flag").filter(has_text="Unpopular but fair point.").first
    fair_flags.get_by_label("Reason (recorded)").fill("Disagreement is not abuse")
    fair_flags.get_by_role("button", name="Restore").click()
    expect(mona.get_by_text("The comment is restored.")).to_be_visible()
    expect(mona.locator("li.flag").filter(has_text="Unpopular but fair point.")).to_have_count(0)

    abusive_flags = mona.locator("li.flag").filter(has_text="Abusive rant.").first
    abusive_flags.get_by_label("Reason (recorded)").fill("Personal attack")
    abusive_flags.get_by_role("button", name="Keep hidden").click()
    expect(mona.get_by_text("The comment is hidden.")).to_be_visible()
    expect(mona.get_by_text("No open flags. All clear.")).to_be_visible()
    assert _still_same_page(mona)

    ana.reload()
    expect(ana.get_by_text("Unpopular but fair point.")).to_be_visible()
    expect(ana.get_by_text("Abusive rant.")).to_have_count(0)
    expect(ana.get_by_text("This comment is hidden by the moderators.")).to_be_visible()
