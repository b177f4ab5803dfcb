"""Annotating an option's text in real Chromium."""

import time

import pytest
from playwright.sync_api import expect

from deliberation.models import Annotation
from policies.models import Option
from tests.browser.conftest import CHROMIUM, log_in
from tests.factories import PASSWORD, AnnotationFactory, SanctionTypeFactory, UserFactory

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


def edit_body(page, option, body):
    page.goto(f"/admin/policies/sanctiontype/{option.pk}/change/")
    page.locator("textarea[name=body]").fill(body)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Option.objects.get(pk=option.pk).body == body


def test_analysts_annotate_and_notes_follow_the_editors_changes(new_page, transactional_db):
    analyst = UserFactory(username="ana", role="Analyst")
    UserFactory(username="oscar", role="Analyst")
    UserFactory(username="edith", role="Editor", is_staff=True)
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

    # The editor rewrites the text before the phrase, in the admin: both notes stay on it.
    editor = new_page()
    log_in(editor, "edith", PASSWORD)
    edit_body(
        editor,
        option,
        "In short: " + BODY.replace("Targeted sanctions work by", "Sanctions bite when"),
    )
    ready(page, url)
    assert_highlights_on_phrase(page, 2)
    expect(page.locator("#annotation-orphans")).to_have_count(0)

    # The editor deletes the phrase: both notes are listed as orphaned, with the old quote.
    edit_body(editor, option, "Sanctions bite on shipping companies.")
    ready(page, url)
    orphans = page.locator("#annotation-orphans")
    expect(orphans).to_contain_text("Which banks are designated?")
    expect(orphans).to_contain_text("Check the list myself.")
    expect(orphans).to_contain_text(PHRASE)
    assert page.locator("#field-body .r6o-annotation").count() == 0


CARET_AT = """(phrase) => {
  const root = document.querySelector('#field-body');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at === -1 || node.parentElement.closest('.r6o-span-highlight-layer')) continue;
    window.getSelection().collapse(node, at);
    return true;
  }
  return false;
}"""


@pytest.fixture
def caret_browser(browser):
    """Chromium with caret browsing (F7), as keyboard users select text in a page."""
    caret = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--enable-caret-browsing"],
    )
    yield caret
    caret.close()


def test_analyst_selects_a_phrase_with_the_keyboard_and_saves_a_note(
    caret_browser, live_server, transactional_db
):
    UserFactory(username="ana", role="Analyst")
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted", body=BODY)
    context = caret_browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "ana", PASSWORD)
    ready(page, option.get_absolute_url())

    # The caret is put before the phrase (as the arrow keys would), then Shift+Right.
    assert page.evaluate(CARET_AT, PHRASE)
    page.keyboard.down("Shift")
    for _ in PHRASE:
        page.keyboard.press("ArrowRight")
    page.keyboard.up("Shift")
    form = page.locator("#annotation-form")
    expect(form).to_be_visible()
    expect(page.locator("#annotation-form-quote")).to_have_text(PHRASE)
    # Once Shift is released the note field has the focus: the note is typed straight away.
    expect(form.get_by_label("Note")).to_be_focused()
    page.keyboard.type("Selected without a mouse.")
    page.keyboard.press("Tab")
    page.keyboard.type("keyboard")  # typing in another field keeps the focus there
    expect(form.get_by_label("Tags")).to_be_focused()
    form.get_by_role("button", name="Save note").click()
    expect(page.locator("#annotation-list")).to_contain_text("Selected without a mouse.")
    assert_highlights_on_phrase(page, 1)
    annotation = Annotation.objects.get()
    assert (annotation.exact, annotation.tags) == (PHRASE, ["keyboard"])
    context.close()


def test_panel_filters_jumps_to_passages_and_shows_notes_on_focus(new_page, transactional_db):
    ana = UserFactory(username="ana", role="Analyst")
    oscar = UserFactory(username="oscar", role="Analyst")
    long_body = BODY + "\n\n" + "\n\n".join(f"Paragraph {i} of the rationale." for i in range(60))
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted", body=long_body)
    text = option.body_text
    late = text.index("Paragraph 59")
    AnnotationFactory(option=option, author=ana, start=late, end=late + 12, body="Far down.")
    at = text.index(PHRASE)
    AnnotationFactory(
        option=option, author=oscar, start=at, end=at + len(PHRASE), body="Oscar's", tags=["banks"]
    )
    AnnotationFactory(
        option=option, author=oscar, start=0, end=8, body="Oscar private", visibility="private"
    )

    page = new_page()
    log_in(page, "ana", PASSWORD)
    ready(page, option.get_absolute_url())
    panel = page.locator("#annotation-panel")
    expect(panel).not_to_contain_text("Oscar private")

    # Filters work in place: mine, by tag, all.
    panel.get_by_role("link", name="Mine").click()
    expect(page.locator(".annotation-item", has_text="Oscar's")).to_be_hidden()
    expect(page.locator(".annotation-item", has_text="Far down.")).to_be_visible()
    panel.get_by_role("link", name="#banks").first.click()
    expect(page.locator(".annotation-item", has_text="Far down.")).to_be_hidden()
    expect(page.locator(".annotation-item", has_text="Oscar's")).to_be_visible()
    panel.get_by_role("link", name="All", exact=True).click()

    # Clicking a note's quote scrolls its passage into view and shows the note.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".annotation-item", has_text="Far down.").get_by_role(
        "link", name="Paragraph 59"
    ).click()
    page.wait_for_function(
        """() => {
          const h = document.querySelectorAll('#field-body .r6o-annotation');
          return Array.from(h).some((el) => { const r = el.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; });
        }"""
    )
    expect(page.locator("#annotation-popover")).to_contain_text("Far down.")
    expect(page.locator("#annotation-popover")).to_be_in_viewport()

    # Focusing a note's passage link (Tab) shows that note.
    page.locator(".annotation-item", has_text="Oscar's").locator(".annotation-jump").focus()
    expect(page.locator("#annotation-popover")).to_contain_text("Oscar's")


def test_a_reader_tabs_to_a_highlight_sees_its_note_and_goes_on_to_it(new_page, transactional_db):
    oscar = UserFactory(username="oscar", role="Analyst")
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted", body=BODY)
    at = option.body_text.index(PHRASE)
    AnnotationFactory(
        option=option, author=oscar, start=at, end=at + len(PHRASE), body="Banks first."
    )
    page = new_page()
    ready(page, option.get_absolute_url())
    highlight = page.get_by_role("button", name=f"Notes on “{PHRASE}”")
    expect(highlight).to_have_count(1)

    page.locator("#field-body").evaluate("(field) => field.scrollIntoView()")
    for _ in range(40):  # Tab through the page until the highlight has the focus
        page.keyboard.press("Tab")
        if highlight.evaluate("(el) => el === document.activeElement"):
            break
    expect(highlight).to_be_focused()
    expect(page.locator("#annotation-popover")).to_contain_text("Banks first.")
    expect(page.locator("#annotation-popover")).to_be_in_viewport()

    page.keyboard.press("Enter")
    note = page.locator(".annotation-item", has_text="Banks first.")
    expect(note.locator(":focus")).to_have_count(1)


def test_anonymous_visitor_sees_shared_highlights_read_only(new_page, transactional_db):
    ana = UserFactory(username="ana", role="Analyst")
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted", body=BODY)
    at = option.body_text.index(PHRASE)
    AnnotationFactory(option=option, author=ana, start=at, end=at + len(PHRASE), body="Shared")
    AnnotationFactory(
        option=option, author=ana, start=0, end=8, body="Hers only", visibility="private"
    )
    page = new_page()
    ready(page, option.get_absolute_url())
    assert_highlights_on_phrase(page, 1)
    expect(page.locator("#annotation-panel")).to_contain_text("Shared")
    expect(page.locator("#annotation-panel")).not_to_contain_text("Hers only")
    select_with_mouse(page, PHRASE)
    page.wait_for_timeout(300)
    assert page.locator("#annotation-form").count() == 0
    assert page.locator("#annotation-panel form").count() == 0


def test_option_with_200_annotations_stays_responsive(new_page, transactional_db):
    authors = [UserFactory(role="Analyst") for _ in range(4)]
    UserFactory(username="ana", role="Analyst")
    sentences = " ".join(f"Measure {i} targets sector {i}." for i in range(120))
    option = SanctionTypeFactory(title="Targeted Sanctions", slug="targeted", body=sentences)
    text = option.body_text
    rows = []
    for i in range(200):
        start = text.index(f"Measure {i % 120} ")
        rows.append(
            Annotation(
                option=option,
                author=authors[i % 4],
                body=f"Note {i}",
                body_html=f"<p>Note {i}</p>",
                exact=text[start : start + 9],
                start=start,
                end=start + 9,
                prefix=text[max(0, start - 32) : start],
                suffix=text[start + 9 : start + 41],
                tags=[f"t{i % 5}"],
            )
        )
    Annotation.objects.bulk_create(rows)

    page = new_page()
    log_in(page, "ana", PASSWORD)
    began = time.monotonic()
    ready(page, option.get_absolute_url())
    page.wait_for_function(
        "() => document.querySelectorAll('#field-body .r6o-annotation').length > 0"
    )
    assert time.monotonic() - began < 8
    assert page.locator("#annotation-list .annotation-item").count() == 200

    # Hovering a highlight answers at once, overlapping notes included.
    box = page.evaluate(PHRASE_BOX.replace("#field-body", "#field-body"), "Measure 3 ")
    began = time.monotonic()
    page.mouse.move(box["left"] + 5, (box["top"] + box["bottom"]) / 2)
    expect(page.locator("#annotation-popover")).to_contain_text("Note 3", timeout=2_000)
    assert time.monotonic() - began < 2
    assert page.console_errors == []
