"""Annotating an option's text in real Chromium."""

from playwright.sync_api import expect

from policies import services as policy_services
from policies.models import Option
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, SanctionTypeFactory, UserFactory

PHRASE = "freezing the assets of designated banks"
BODY = (
    "Targeted sanctions work by " + PHRASE + " and shipping companies that move "
    "North Korean munitions to Russia."
)

PHRASE_BOX = """(phrase) => {
  const root = document.querySelector('#field-body');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at === -1 || node.parentElement.closest('.r6o-span-highlight-layer')) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + phrase.length);
    const r = range.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  }
  return null;
}"""

HIGHLIGHT_BOXES = """() => Array.from(
  document.querySelectorAll('#field-body .r6o-span-highlight-layer .r6o-annotation')
).map((el) => { const r = el.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"""


def ready(page, url):
    page.goto(url)
    expect(page.locator("#annotation-panel")).to_have_attribute("data-ready", "true")


def select_with_mouse(page, phrase):
    box = page.evaluate(PHRASE_BOX, phrase)
    assert box, f"{phrase!r} is not in the text"
    middle = (box["top"] + box["bottom"]) / 2
    page.mouse.move(box["left"] + 1, middle)
    page.mouse.down()
    page.mouse.move((box["left"] + box["right"]) / 2, middle, steps=5)
    page.mouse.move(box["right"] - 1, middle, steps=5)
    page.wait_for_timeout(150)  # a reader's hand rests before letting go
    page.mouse.up()


def write_note(page, note, visibility):
    form = page.locator("#annotation-form")
    expect(form).to_be_visible()
    expect(page.locator("#annotation-form-quote")).to_have_text(PHRASE)
    form.get_by_label("Note").fill(note)
    form.get_by_label("Who sees it").select_option(visibility)
    form.get_by_role("button", name="Save note").click()
    expect(page.locator("#annotation-list")).to_contain_text(note)
    expect(form).to_be_hidden()


def assert_highlights_on_phrase(page, expected):
    def check():
        box = page.evaluate(PHRASE_BOX, PHRASE)
        highlights = page.evaluate(HIGHLIGHT_BOXES)
        return box, highlights

    # Highlights are painted for the part of the text in view.
    page.locator("#field-body").scroll_into_view_if_needed()
    page.wait_for_function(
        "(n) => document.querySelectorAll('#field-body .r6o-annotation').length >= n", arg=expected
    )
    box, highlights = check()
    assert len(highlights) >= expected
    for h in highlights:
        assert h["left"] >= box["left"] - 2 and h["right"] <= box["right"] + 2, (h, box)
        assert h["top"] >= box["top"] - 4 and h["bottom"] <= box["bottom"] + 4, (h, box)


def test_analysts_annotate_and_notes_follow_the_editors_changes(new_page, transactional_db):
    analyst = UserFactory(username="ana", role="Analyst")
    UserFactory(username="oscar", role="Analyst")
    editor = UserFactory(username="edith", role="Editor")
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted-sanctions", body=BODY)
    url = option.get_absolute_url()

    page = new_page()
    log_in(page, analyst.username, PASSWORD)
    ready(page, url)
    select_with_mouse(page, PHRASE)
    write_note(page, "Which banks are designated?", "shared")
    assert_highlights_on_phrase(page, 1)
    select_with_mouse(page, PHRASE)
    write_note(page, "Check the list myself.", "private")
    assert_highlights_on_phrase(page, 2)
    assert [
        e for e in page.console_errors if "favicon" not in e and "Failed to load" not in e
    ] == []

    colleague = new_page()
    log_in(colleague, "oscar", PASSWORD)
    ready(colleague, url)
    panel = colleague.locator("#annotation-panel")
    expect(panel).to_contain_text("Which banks are designated?")
    expect(panel).not_to_contain_text("Check the list myself.")
    assert_highlights_on_phrase(colleague, 1)
    # Hovering the highlight shows its note.
    box = colleague.evaluate(PHRASE_BOX, PHRASE)
    colleague.mouse.move((box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)
    expect(colleague.locator("#annotation-popover")).to_contain_text("Which banks are designated?")

    # The editor rewrites the text before the phrase: both notes stay on it.
    policy_services.option_update(
        option=Option.objects.get(pk=option.pk),
        body="In short: " + BODY.replace("Targeted sanctions work by", "Sanctions bite when"),
    )
    ready(page, url)
    assert_highlights_on_phrase(page, 2)
    expect(page.locator("#annotation-orphans")).to_have_count(0)

    # The editor deletes the phrase: both notes are listed as orphaned, with the old quote.
    policy_services.option_update(
        option=Option.objects.get(pk=option.pk), body="Sanctions bite on shipping companies."
    )
    ready(page, url)
    orphans = page.locator("#annotation-orphans")
    expect(orphans).to_contain_text("Which banks are designated?")
    expect(orphans).to_contain_text("Check the list myself.")
    expect(orphans).to_contain_text(PHRASE)
    assert page.locator("#field-body .r6o-annotation").count() == 0
    assert editor.pk
