"""Anchoring a quoted passage in a plain text, as the W3C Web Annotation model does.

A target is a TextPositionSelector (start, end) plus a TextQuoteSelector (exact, prefix,
suffix). When the text changes, the passage is looked for first at its old position,
then by its quote in the context that best matches its prefix and suffix, then by the
quote alone if it occurs exactly once. Pure functions: no database, no Django.
"""

from dataclasses import dataclass

CONTEXT_LENGTH = 32


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def quote_context(text: str, start: int, end: int, size: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """The prefix and suffix (up to ``size`` characters) around text[start:end]."""
    return text[max(0, start - size) : start], text[end : end + size]


def anchor_at(text: str, start: int, end: int) -> Anchor:
    prefix, suffix = quote_context(text, start, end)
    return Anchor(start=start, end=end, exact=text[start:end], prefix=prefix, suffix=suffix)


def occurrences(text: str, quote: str) -> list[int]:
    """Every index where ``quote`` starts in ``text``, overlapping ones included."""
    found = []
    index = text.find(quote)
    while index != -1:
        found.append(index)
        index = text.find(quote, index + 1)
    return found


def _common_suffix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def context_score(text: str, index: int, exact: str, prefix: str, suffix: str) -> int:
    """How many characters of the prefix and suffix still surround the quote at ``index``."""
    before = text[max(0, index - len(prefix)) : index]
    after_start = index + len(exact)
    after = text[after_start : after_start + len(suffix)]
    return _common_suffix_length(before, prefix) + _common_prefix_length(after, suffix)


def locate(
    text: str,
    *,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
) -> Anchor | None:
    """Find the passage ``exact`` in ``text``; None when it cannot be placed unambiguously.

    1. by position: the quote is still at ``start``;
    2. by quote and context: the occurrence whose surroundings best match prefix and
       suffix (ties go to the one nearest the old position);
    3. by quote alone: it occurs exactly once.
    """
    if not exact:
        return None
    if start is not None and start >= 0 and text[start : start + len(exact)] == exact:
        return anchor_at(text, start, start + len(exact))
    found = occurrences(text, exact)
    if not found:
        return None
    if prefix or suffix:
        old = start if start is not None else 0
        scored = [
            (context_score(text, index, exact, prefix, suffix), -abs(index - old), index)
            for index in found
        ]
        best_score, _, best_index = max(scored)
        if best_score > 0:
            return anchor_at(text, best_index, best_index + len(exact))
    if len(found) == 1:
        return anchor_at(text, found[0], found[0] + len(exact))
    return None
