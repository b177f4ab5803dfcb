"""Locating a quoted passage in a changed text (pure functions, property-tested)."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deliberation.anchoring import anchor_at, context_score, locate, occurrences, quote_context

TEXT = "Freeze the assets of banks. Then freeze the assets of shipping firms."


def test_quote_context_is_at_most_32_characters_each_side():
    text = "x" * 50 + "QUOTE" + "y" * 50
    prefix, suffix = quote_context(text, 50, 55)
    assert prefix == "x" * 32
    assert suffix == "y" * 32


def test_quote_still_at_its_position_is_found_there():
    anchor = anchor_at(TEXT, 11, 17)
    assert (
        locate(TEXT, exact="assets", prefix=anchor.prefix, suffix=anchor.suffix, start=11) == anchor
    )


def test_moved_quote_is_found_by_its_context():
    second = TEXT.index("assets", 20)
    anchor = anchor_at(TEXT, second, second + 6)
    edited = "Firstly, " + TEXT
    found = locate(edited, exact="assets", prefix=anchor.prefix, suffix=anchor.suffix, start=second)
    # Two occurrences: the context picks the one before "of shipping firms".
    assert edited[found.end :].startswith(" of shipping firms")
    assert edited[found.start : found.end] == "assets"


def test_quote_occurring_once_is_found_without_context():
    found = locate("Something new about banks.", exact="banks", start=60)
    assert (found.start, found.end) == (20, 25)


def test_ambiguous_quote_without_context_is_not_placed():
    assert locate("banks and banks", exact="banks", prefix="zz", suffix="qq", start=40) is None


def test_removed_quote_is_not_placed():
    assert locate("Nothing left.", exact="assets", prefix="the ", suffix=" of", start=11) is None


def test_empty_quote_is_never_placed():
    assert locate(TEXT, exact="", start=0) is None


def test_occurrences_include_overlapping_ones():
    assert occurrences("aaaa", "aa") == [0, 1, 2]


def test_context_score_counts_matching_characters():
    assert context_score("xab-QQ-cdy", 4, "QQ", "ab-", "-cd") == 6
    assert context_score("zzzzQQzzzz", 4, "QQ", "ab-", "-cd") == 0


alphabet = st.sampled_from("ab .")
texts = st.text(alphabet=alphabet, min_size=1, max_size=60)


@st.composite
def annotated_edit(draw):
    """A text, an annotated range in it, and an edit (replace a random slice)."""
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    cut_start = draw(st.integers(0, len(text)))
    cut_end = draw(st.integers(cut_start, len(text)))
    inserted = draw(st.text(alphabet=st.sampled_from("abc ."), max_size=20))
    new_text = text[:cut_start] + inserted + text[cut_end:]
    return text, start, end, new_text


@settings(max_examples=400)
@given(annotated_edit())
def test_every_annotation_points_at_its_quote_or_is_orphaned(case):
    text, start, end, new_text = case
    anchor = anchor_at(text, start, end)
    found = locate(
        new_text, exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, start=start
    )
    if found is None:
        # Orphaned only when the quote is gone or cannot be told apart from its twins.
        assert len(occurrences(new_text, anchor.exact)) != 1
    else:
        assert new_text[found.start : found.end] == anchor.exact
        assert (found.prefix, found.suffix) == quote_context(new_text, found.start, found.end)


@settings(max_examples=300)
@given(annotated_edit())
def test_a_quote_that_occurs_once_is_always_found(case):
    text, start, end, new_text = case
    anchor = anchor_at(text, start, end)
    assume(len(occurrences(new_text, anchor.exact)) == 1)
    found = locate(
        new_text, exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, start=start
    )
    assert found is not None
    assert found.start == new_text.index(anchor.exact)


@settings(max_examples=200)
@given(texts, st.data())
def test_an_unchanged_text_keeps_every_position(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    anchor = anchor_at(text, start, end)
    found = locate(
        text, exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, start=start
    )
    assert found == anchor


@settings(max_examples=200)
@given(
    st.text(alphabet=st.sampled_from("abc "), min_size=1, max_size=40),
    st.text(alphabet=st.sampled_from("xyz"), min_size=1, max_size=10),
    st.data(),
)
def test_text_inserted_before_a_unique_quote_moves_it(text, inserted, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    anchor = anchor_at(text, start, end)
    assume(len(occurrences(text, anchor.exact)) == 1)
    at = data.draw(st.integers(0, start))
    new_text = text[:at] + inserted + text[at:]
    found = locate(
        new_text, exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, start=start
    )
    assert (found.start, found.end) == (start + len(inserted), end + len(inserted))
