"""A synthetic deliberation at scale, written to PostgreSQL with COPY.

Rows are generated lazily and streamed into ``COPY ... FROM STDIN``: memory stays
flat however many rows are written. Markdown is rendered through the site's own
renderer, once per distinct text, and stored in the *_html / *_text columns just as
the services do on save. Stored counters (Comment.endorsement_count) match the rows.
"""

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from psycopg.types.json import Jsonb

from deliberation import models as d
from policies import models as p
from policies.text import render_markdown

from .names import (  # noqa: F401
    BENCH_PASSWORD,
    COMMON_WORD,
    EPOCH,
    HOT_SLUG,
    LARGE,
    RARE_COMMENTS,
    RARE_OPTION_WORD,
    RARE_OPTIONS,
    RARE_WORD,
    SIZES,
    SMALL,
    TINY,
    TOKEN_USERS,
    Sizes,
    bench_token,
)

SENTENCES = [
    "The alliance between Russia and North Korea has become a focal point of concern.",
    "Military exchanges and diplomatic overtures deepen the collaboration.",
    "The partnership challenges the strategic interests of the United States and its allies.",
    "Washington should adopt a proactive and cohesive policy to counterbalance the threat.",
    "Stronger alliances with regional partners increase deterrence.",
    "Diplomatic outreach to China is crucial in managing Pyongyang's ambitions.",
    "Targeted sanctions apply pressure on key sectors of the economy.",
    "Asset freezes target individuals linked to military and financial sectors.",
    "Trade embargoes limit agreements that benefit defense industries.",
    "Travel restrictions impose bans on officials involved in illicit activities.",
    "Joint exercises with Japan and South Korea strengthen readiness.",
    "Intelligence sharing helps allies monitor developments closely.",
    "Cybersecurity initiatives thwart threats stemming from state actors.",
    "Economic partnerships reduce dependency on adversarial nations.",
    "Including ASEAN nations provides a broader regional outlook.",
    "Past engagement enhanced economic ties but neglected military threats.",
    "Containment limited influence but increased tensions on the peninsula.",
    "Technology-sharing and joint research fortify the alliances.",
    "Enforcement depends on coordination among allies and partners.",
    "Escalation risks must be weighed against the cost of inaction.",
]
TITLES = {
    p.Option.Kind.STRATEGY: [
        "Enhanced defence cooperation",
        "Diplomatic engagement",
        "Targeted sanctions",
        "Intelligence sharing",
    ],
    p.Option.Kind.INITIATIVE: [
        "Regional security alliances",
        "Economic partnerships",
        "Diplomatic outreach",
        "Cybersecurity initiatives",
    ],
    p.Option.Kind.SANCTION_TYPE: ["Asset freezes", "Trade embargoes", "Travel restrictions"],
}
KINDS = [p.Option.Kind.STRATEGY, p.Option.Kind.INITIATIVE, p.Option.Kind.SANCTION_TYPE]
INSTRUMENTS = ["asset_freeze", "trade_embargo", "travel_restriction", "sector_specific", "other"]
HORIZONS = ["short", "medium", "long"]
STANCES = ["support", "oppose", "neutral"]
CHOICES = ["support", "support", "support", "support", "support", "oppose", "oppose", "oppose"]
CHOICES += ["abstain", "abstain"]


def _paragraphs(seed: int, sentences: int) -> str:
    picked = [SENTENCES[(seed * 7 + i * 3) % len(SENTENCES)] for i in range(sentences)]
    half = len(picked) // 2
    return " ".join(picked[:half]) + "\n\n" + " ".join(picked[half:])


class _Table:
    """Writes rows of one model's own table (dicts keyed by attname) with COPY."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.local_concrete_fields]
        self.sql = "COPY {} ({}) FROM STDIN".format(
            model._meta.db_table, ", ".join(f'"{f.column}"' for f in self.fields)
        )

    def _default(self, field):
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.empty_strings_allowed:
            return ""
        raise ValueError(f"{self.model.__name__}.{field.name} needs a value")

    def _values(self, row: dict) -> tuple:
        values = []
        for field in self.fields:
            value = row[field.attname] if field.attname in row else self._default(field)
            if field.get_internal_type() == "JSONField":
                value = Jsonb(value)
            values.append(value)
        return tuple(values)

    def copy(self, cursor, rows: Iterable[dict]) -> int:
        count = 0
        with cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row(self._values(row))
                count += 1
        return count


def _max_id(cursor, model) -> int:
    cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM {model._meta.db_table}')
    return cursor.fetchone()[0]


@dataclass
class _Plan:
    """Where each kind of row starts, and how options share the comments and annotations."""

    sizes: Sizes
    user0: int
    option0: int
    comment0: int
    annotation0: int
    vote0: int
    endorsement0: int

    def comments_of(self, option_index: int) -> int:
        return self._share(option_index, self.sizes.comments, self.sizes.hot_comments)

    def annotations_of(self, option_index: int) -> int:
        return self._share(option_index, self.sizes.annotations, self.sizes.hot_annotations)

    def _share(self, option_index: int, total: int, hot: int) -> int:
        if option_index == 0:
            return hot
        rest, others = total - hot, self.sizes.options - 1
        return rest // others + (1 if option_index - 1 < rest % others else 0)

    def user_id(self, index: int) -> int:
        return self.user0 + 1 + index % self.sizes.analysts


def _users(plan: _Plan, password_hash: str) -> Iterator[dict]:
    for i in range(plan.sizes.analysts):
        yield {
            "id": plan.user0 + 1 + i,
            "password": password_hash,
            "username": f"bench-analyst-{i}",
            "email": f"bench-analyst-{i}@example.org",
            "first_name": "Analyst",
            "last_name": str(i),
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
            "date_joined": EPOCH,
        }


def _options(plan: _Plan, texts: dict) -> Iterator[tuple[dict, dict]]:
    """(Option row, kind row) pairs; the first option is the hot one."""
    rare_stride = max(plan.sizes.options // RARE_OPTIONS, 1)
    for i in range(plan.sizes.options):
        kind = KINDS[i % 3]
        titles = TITLES[kind]
        title = f"{titles[(i // 3) % len(titles)]} {i}"
        slug = HOT_SLUG if i == 0 else f"bench-option-{i}"
        if i == 0:
            title, kind = "Targeted sanctions (hot thread)", p.Option.Kind.STRATEGY
        body = _paragraphs(i, 6)
        rendered = render_markdown(body)
        texts[i] = rendered.text
        created = EPOCH + timedelta(minutes=i)
        option = {
            "id": plan.option0 + 1 + i,
            "title": title,
            "slug": slug,
            "kind": kind,
            "summary": SENTENCES[i % len(SENTENCES)]
            + (f" As in {RARE_OPTION_WORD}." if i % rare_stride == 1 % rare_stride else ""),
            "body": body,
            "body_html": rendered.html,
            "body_text": rendered.text,
            "status": "draft" if i % 50 == 49 else "published",
            "author_id": None,
            "brief_id": None,
            "created": created,
            "updated": created,
        }
        specific = {"option_ptr_id": option["id"]}
        model = p.KIND_MODELS[kind]
        for name in model.rendered_fields:
            if name == "body":
                continue
            source = _paragraphs(i + len(name), 2)
            field_rendered = render_markdown(source)
            specific.update(
                {
                    name: source,
                    f"{name}_html": field_rendered.html,
                    f"{name}_text": field_rendered.text,
                }
            )
        if kind == p.Option.Kind.STRATEGY:
            specific["time_horizon"] = HORIZONS[i % 3]
        elif kind == p.Option.Kind.SANCTION_TYPE:
            specific["instrument"] = INSTRUMENTS[i % len(INSTRUMENTS)]
        yield option, specific, model


class _Rendered:
    """A pool of distinct comment texts, each rendered once."""

    def __init__(self, count: int, comments: int):
        # RARE_COMMENTS of the comments, evenly spread, hold the rare word.
        self.rare_stride = max(comments // RARE_COMMENTS, 1)
        self.pool = []
        for n in range(count):
            source = f"**Point {n}.** " + _paragraphs(n, 3) + f"\n\n- about {COMMON_WORD}"
            rendered = render_markdown(source)
            self.pool.append((source, rendered.html))
        source = f"The {RARE_WORD} industrial zone shows how engagement can be reversed."
        self.rare = (source, render_markdown(source).html)

    def pick(self, n: int) -> tuple[str, str]:
        if n % self.rare_stride == 7 % self.rare_stride:
            return self.rare
        return self.pool[n % len(self.pool)]


def _comments(plan: _Plan, pool: _Rendered) -> Iterator[dict]:
    """Threads: every eighth comment starts a thread, the next five form a chain of
    replies (depth up to five), the last two answer the thread's first comment."""
    comment_id = plan.comment0
    serial = 0
    for o in range(plan.sizes.options):
        first_of_option = comment_id + 1
        for k in range(plan.comments_of(o)):
            comment_id += 1
            position = k % 8
            if position == 0:
                parent = None
            elif position <= 5:
                parent = comment_id - 1
            else:
                parent = first_of_option + (k - position)
            body, body_html = pool.pick(serial)
            endorsed = serial % 3
            yield {
                "id": comment_id,
                "parent_id": parent,
                "option_id": plan.option0 + 1 + o,
                "author_id": plan.user_id(serial * 7),
                "stance": STANCES[serial % 3],
                "body": body,
                "body_html": body_html,
                "created": EPOCH + timedelta(days=30, seconds=serial * 10),
                "edited": None,
                "deleted": False,
                "hidden": serial % 500 == 499,
                "hidden_reason": "Hidden by a moderator." if serial % 500 == 499 else "",
                "endorsement_count": endorsed,
            }
            serial += 1


def _endorsements(plan: _Plan) -> Iterator[dict]:
    """Comment n (0-based serial) has n % 3 endorsements, matching endorsement_count."""
    endorsement_id = plan.endorsement0
    for serial in range(plan.sizes.comments):
        comment_id = plan.comment0 + 1 + serial
        author_index = serial * 7  # endorsers are the analysts after the author
        for e in range(serial % 3):
            endorsement_id += 1
            yield {
                "id": endorsement_id,
                "comment_id": comment_id,
                "user_id": plan.user_id(author_index + 1 + e + plan.sizes.analysts // 2),
                "created": EPOCH + timedelta(days=31, seconds=serial * 10 + e),
            }


def _votes(plan: _Plan) -> Iterator[dict]:
    """Votes spread over the options, each by distinct analysts (one vote per pair)."""
    sizes = plan.sizes
    vote_id = plan.vote0
    per_option, extra = divmod(sizes.votes, sizes.options)
    for o in range(sizes.options):
        option_id = plan.option0 + 1 + o
        for j in range(per_option + (1 if o < extra else 0)):
            vote_id += 1
            stamp = EPOCH + timedelta(days=60, seconds=vote_id % 5_000_000)
            yield {
                "id": vote_id,
                "option_id": option_id,
                "voter_id": plan.user0 + 1 + (o * 131 + j) % sizes.analysts,
                "choice": CHOICES[(o * 7 + j * 13) % len(CHOICES)],
                "created": stamp,
                "updated": stamp,
            }


def _annotations(plan: _Plan, texts: dict) -> Iterator[dict]:
    annotation_id = plan.annotation0
    serial = 0
    notes = [(body, render_markdown(body).html) for body in SENTENCES]
    for o in range(plan.sizes.options):
        text = texts[o]
        span = max(1, len(text) - 40)
        for k in range(plan.annotations_of(o)):
            annotation_id += 1
            start = (k * 37 + o) % span
            end = start + 12 + k % 20
            body, body_html = notes[serial % len(notes)]
            stamp = EPOCH + timedelta(days=45, seconds=serial * 10)
            yield {
                "id": annotation_id,
                "option_id": plan.option0 + 1 + o,
                "field": "body",
                "author_id": plan.user_id(serial * 3 + o),
                "body": body,
                "body_html": body_html,
                "tags": ["evidence"] if k % 4 == 0 else [],
                "visibility": "private" if k % 10 == 9 else "shared",
                "exact": text[start:end],
                "prefix": text[max(0, start - 32) : start],
                "suffix": text[end : end + 32],
                "start": start,
                "end": end,
                "orphaned": False,
                "hidden": False,
                "hidden_reason": "",
                "created": stamp,
                "updated": stamp,
            }
            serial += 1


def _fix_sequences(cursor, models) -> None:
    for model in models:
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT GREATEST(COALESCE(MAX(id), 0), 1) FROM {table}))"
        )


def generate(connection, sizes: Sizes, *, vacuum: bool = True) -> dict[str, int]:
    """Write a data set of these sizes through a psycopg 3 connection and return the
    number of rows written per table. Existing rows are kept: ids start after them.

    With vacuum, the connection must be in autocommit mode outside a transaction
    (VACUUM cannot run in one); without it, only ANALYZE runs.
    """
    user_model = get_user_model()
    membership = user_model.groups.through
    written: dict[str, int] = {}
    password_hash = make_password(BENCH_PASSWORD)
    # In autocommit mode the rows go in one transaction of their own; otherwise the
    # caller's transaction holds them (a test, for instance, rolls them back).
    transaction = connection.transaction() if connection.autocommit else nullcontext()
    with transaction, connection.cursor() as cursor:
        plan = _Plan(
            sizes=sizes,
            user0=_max_id(cursor, user_model),
            option0=_max_id(cursor, p.Option),
            comment0=_max_id(cursor, d.Comment),
            annotation0=_max_id(cursor, d.Annotation),
            vote0=_max_id(cursor, d.Vote),
            endorsement0=_max_id(cursor, d.Endorsement),
        )
        cursor.execute("SELECT id FROM auth_group WHERE name = %s", [d.Role.ANALYST.value])
        group = cursor.fetchone()
        written["users"] = _Table(user_model).copy(cursor, _users(plan, password_hash))
        user_ids = range(plan.user0 + 1, plan.user0 + 1 + sizes.analysts)
        membership0 = _max_id(cursor, membership)
        if group:
            _Table(membership).copy(
                cursor,
                (
                    {"id": membership0 + 1 + n, "user_id": uid, "group_id": group[0]}
                    for n, uid in enumerate(user_ids)
                ),
            )
        email0 = _max_id(cursor, EmailAddress)
        _Table(EmailAddress).copy(
            cursor,
            (
                {
                    "id": email0 + 1 + n,
                    "user_id": uid,
                    "email": f"bench-analyst-{n}@example.org",
                    "verified": True,
                    "primary": True,
                }
                for n, uid in enumerate(user_ids)
            ),
        )
        profile0 = _max_id(cursor, d.Profile)
        _Table(d.Profile).copy(
            cursor,
            (
                {
                    "id": profile0 + 1 + n,
                    "user_id": uid,
                    "display_name": f"Analyst {n}",
                    "affiliation": "Benchmark Institute",
                }
                for n, uid in enumerate(user_ids)
            ),
        )
        tokens = (
            (uid, bench_token(f"bench-analyst-{n}"))
            for n, uid in enumerate(list(user_ids)[:TOKEN_USERS])
        )
        _Table(AuthToken).copy(
            cursor,
            (
                {
                    "digest": hash_token(token),
                    "token_key": token[: CONSTANTS.TOKEN_KEY_LENGTH],
                    "user_id": uid,
                    "created": EPOCH,
                    "expiry": None,
                }
                for uid, token in tokens
            ),
        )

        texts: dict[int, str] = {}
        kind_rows: dict = {model: [] for model in p.KIND_MODELS.values()}

        def options():
            for option, specific, model in _options(plan, texts):
                kind_rows[model].append(specific)
                yield option

        written["options"] = _Table(p.Option).copy(cursor, options())
        for model, rows in kind_rows.items():
            _Table(model).copy(cursor, rows)
        kind_rows.clear()

        written["comments"] = _Table(d.Comment).copy(
            cursor, _comments(plan, _Rendered(400, plan.sizes.comments))
        )
        written["endorsements"] = _Table(d.Endorsement).copy(cursor, _endorsements(plan))
        written["votes"] = _Table(d.Vote).copy(cursor, _votes(plan))
        written["annotations"] = _Table(d.Annotation).copy(cursor, _annotations(plan, texts))
        _fix_sequences(
            cursor,
            [
                user_model,
                membership,
                EmailAddress,
                d.Profile,
                p.Option,
                d.Comment,
                d.Endorsement,
                d.Vote,
                d.Annotation,
            ],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum and connection.autocommit else "ANALYZE")
    return written


def describe(sizes: Sizes) -> dict:
    return asdict(sizes)
