"""Names and sizes shared by the generator and the harness (no Django imports here,
so the harness can run before Django is set up)."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

BENCH_PASSWORD = "bench-analyst-password-2026"
HOT_SLUG = "targeted-sanctions-hot-thread"
# Selective search terms, in the same number of rows in every set, so that a search's
# cost can be compared across sizes: it should not grow with the table.
RARE_WORD = "Kaesong"
RARE_COMMENTS = 20
RARE_OPTION_WORD = "Rason"
RARE_OPTIONS = 10
COMMON_WORD = "sanctions"
TOKEN_USERS = 100  # analysts that get an API token (the first ones)
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def bench_token(username: str) -> str:
    """The API token of a generated analyst. Only a hash of it is stored, so the harness
    derives it again from the name rather than reading it back."""
    return "pdt_" + hashlib.sha256(f"bench-token:{username}".encode()).hexdigest()


@dataclass(frozen=True)
class Sizes:
    options: int
    analysts: int
    comments: int
    votes: int
    annotations: int
    hot_comments: int = 300
    hot_annotations: int = 200

    def __post_init__(self):
        if self.votes > self.options * self.analysts:
            raise ValueError("votes cannot exceed options × analysts (one vote per pair)")
        if self.analysts < 2 or self.options < 2:
            raise ValueError("need at least two options and two analysts")
        if self.hot_comments > self.comments or self.hot_annotations > self.annotations:
            raise ValueError("the hot option cannot hold more than the totals")


LARGE = Sizes(options=2000, analysts=5000, comments=200_000, votes=1_000_000, annotations=50_000)
# About 1% of the rows; enough analysts that 50 of them can vote at once, and the same
# hot thread, so the option page is compared like for like.
SMALL = Sizes(options=20, analysts=500, comments=2_000, votes=10_000, annotations=500)
TINY = Sizes(
    options=20,
    analysts=50,
    comments=400,
    votes=600,
    annotations=60,
    hot_comments=40,
    hot_annotations=20,
)
SIZES = {"large": LARGE, "small": SMALL, "tiny": TINY}
