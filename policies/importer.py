"""Import a policy brief in plain text: its pipe tables and ``- Name: text`` lists.

Tables are recognised by their first header cell (``Strategy``, ``Initiative``,
``Sanction Type``, ``Policy Focus``); bullet lists by the heading and lead-in sentence
above them (strategic implications, lessons, proposed shifts, measures). Existing rows
are matched by slug and only their empty fields are filled, so curated wording is never
replaced by the brief's one-liners. Everything happens in one transaction: on any error
nothing is written.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import services
from .models import (
    Brief,
    Initiative,
    Lesson,
    Option,
    PastPolicy,
    SanctionType,
    StrategicImplication,
    Strategy,
)

STRATEGY = "strategy"
INITIATIVE = "initiative"
SANCTION_TYPE = "sanction type"
PAST_POLICY = "past policy"
LESSON = "lesson"
IMPLICATION = "strategic implication"

OPTION_KINDS = {
    STRATEGY: Option.Kind.STRATEGY,
    INITIATIVE: Option.Kind.INITIATIVE,
    SANCTION_TYPE: Option.Kind.SANCTION_TYPE,
}
ENTRY_MODELS = {PAST_POLICY: PastPolicy, LESSON: Lesson, IMPLICATION: StrategicImplication}
KIND_MODELS = {STRATEGY: Strategy, INITIATIVE: Initiative, SANCTION_TYPE: SanctionType}

# First header cell of a table → what its rows are.
TABLE_KINDS = {
    "strategy": STRATEGY,
    "strategies": STRATEGY,
    "initiative": INITIATIVE,
    "initiatives": INITIATIVE,
    "sanction type": SANCTION_TYPE,
    "sanction types": SANCTION_TYPE,
    "policy focus": PAST_POLICY,
}

INSTRUMENTS = [
    ("asset", SanctionType.Instrument.ASSET_FREEZE),
    ("freeze", SanctionType.Instrument.ASSET_FREEZE),
    ("embargo", SanctionType.Instrument.TRADE_EMBARGO),
    ("travel", SanctionType.Instrument.TRAVEL_RESTRICTION),
    ("sector", SanctionType.Instrument.SECTOR_SPECIFIC),
]

_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_BULLET = re.compile(r"^\s*[-*•]\s+(?P<item>.*)$")
_NAMED_ITEM = re.compile(r"^(?P<name>[^:]+?)\s*:\s*(?P<text>.*)$")
_SENTENCE_END = (".", ":", ";", ",", "!", "?")


class BriefImportError(Exception):
    """The brief cannot be imported; the message says why, for the person importing."""


@dataclass(frozen=True)
class Item:
    kind: str  # one of STRATEGY, INITIATIVE, SANCTION_TYPE, PAST_POLICY, LESSON, IMPLICATION
    name: str
    text: str
    line: int


@dataclass(frozen=True)
class Skip:
    line: int
    what: str
    reason: str


@dataclass
class ParsedBrief:
    items: list[Item] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


@dataclass(frozen=True)
class ReportEntry:
    action: str  # created, updated, unchanged, skipped
    kind: str
    name: str
    detail: str = ""

    def __str__(self):
        text = f"{self.action} {self.kind}: {self.name}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class ImportReport:
    brief_title: str
    dry_run: bool
    brief_action: str = "unchanged"
    entries: list[ReportEntry] = field(default_factory=list)

    def of(self, action: str) -> list[ReportEntry]:
        return [entry for entry in self.entries if entry.action == action]

    @property
    def created(self):
        return self.of("created")

    @property
    def updated(self):
        return self.of("updated")

    @property
    def unchanged(self):
        return self.of("unchanged")

    @property
    def skipped(self):
        return self.of("skipped")

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated) or self.brief_action != "unchanged"

    def lines(self) -> list[str]:
        prefix = "Dry run, nothing saved. " if self.dry_run else ""
        lines = [f"{prefix}Brief {self.brief_title!r}: {self.brief_action}."]
        lines += [str(entry) for entry in self.entries if entry.action != "unchanged"]
        lines.append(
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped."
        )
        return lines


# Reading -----------------------------------------------------------------------------


def decode_brief(data: bytes) -> str:
    """The text of an uploaded or read file, or BriefImportError saying what is wrong."""
    limit = settings.BRIEF_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise BriefImportError(
            f"The file is {len(data):,} bytes; briefs may be at most {limit:,} bytes."
        )
    if not data.strip():
        raise BriefImportError("The file is empty.")
    if b"\x00" in data:
        raise BriefImportError("The file looks binary; a brief must be plain UTF-8 text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BriefImportError(
            f"The file is not UTF-8 text (undecodable byte at position {error.start})."
        ) from None
    return text


def _check_text(text: str) -> str:
    if "\x00" in text:
        raise BriefImportError("The text looks binary; a brief must be plain UTF-8 text.")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.BRIEF_UPLOAD_MAX_BYTES:
        raise BriefImportError(
            f"The text is {size:,} bytes; briefs may be at most "
            f"{settings.BRIEF_UPLOAD_MAX_BYTES:,} bytes."
        )
    if not text.strip():
        raise BriefImportError("The brief is empty.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BriefImportError("The text contains characters that are not valid Unicode.") from None
    return text


# Parsing -----------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


def _is_separator(cells: list[str]) -> bool:
    return all(_SEPARATOR_CELL.match(cell.replace(" ", "")) for cell in cells)


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= 120 and not stripped.endswith(_SENTENCE_END)


def _last_sentence(paragraph: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", paragraph.strip())
    return parts[-1] if parts else ""


def _list_kind(context: str) -> str | None:
    """What a bullet list is about, from a heading or lead-in sentence."""
    lowered = context.lower()
    if "implication" in lowered:
        return IMPLICATION
    if "lesson" in lowered:
        return LESSON
    if "shift" in lowered or "strateg" in lowered:
        return STRATEGY
    if "initiative" in lowered:
        return INITIATIVE
    if "measure" in lowered or "sanction" in lowered:
        return "measure"
    return None


def _measure_kind(name: str) -> str:
    return SANCTION_TYPE if "sanction" in name.lower() else INITIATIVE


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    return name[:1].upper() + name[1:]


def _split_tables(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Tables written one under another: each header row is followed by a separator row."""
    tables: list[list[tuple[int, str]]] = []
    for index, (number, line) in enumerate(lines):
        following = lines[index + 1][1] if index + 1 < len(lines) else None
        starts_table = (
            index > 0
            and following is not None
            and not _is_separator(_cells(line))
            and _is_separator(_cells(following))
        )
        if not tables or starts_table:
            tables.append([])
        tables[-1].append((number, line))
    return tables


def _parse_table(lines: list[tuple[int, str]], parsed: ParsedBrief) -> None:
    first_line = lines[0][0]
    rows = [(number, _cells(line)) for number, line in lines]
    if _is_separator(rows[0][1]):
        raise BriefImportError(
            f"Line {first_line}: the table has no header row (a line such as "
            "'Strategy | Potential Impact |' must come before the '---|---|' line)."
        )
    if len(rows) < 2 or not _is_separator(rows[1][1]):
        raise BriefImportError(
            f"Line {first_line}: the table has no header separator; its header must be "
            "followed by a line such as '---|---|'."
        )
    header = rows[0][1]
    width = len(header)
    for number, cells in rows[1:]:
        if len(cells) != width:
            raise BriefImportError(
                f"Line {number}: the table row has {len(cells)} cells where the header has {width}."
            )
    kind = TABLE_KINDS.get(" ".join(header[0].lower().split()))
    body = rows[2:]
    if kind is None:
        parsed.skipped.append(
            Skip(first_line, f"table {header[0]!r}", "not a table of options the site knows")
        )
        return
    if width < 2:
        raise BriefImportError(f"Line {first_line}: the table needs a name and a text column.")
    for number, cells in body:
        name, text = _clean_name(cells[0]), " ".join(" ".join(cells[1:]).split())
        if not name:
            parsed.skipped.append(Skip(number, "table row", "it has no name"))
            continue
        parsed.items.append(Item(kind, name, text, number))


def _parse_bullets(
    lines: list[tuple[int, str]], heading: str, lead_in: str, parsed: ParsedBrief
) -> None:
    kind = _list_kind(_last_sentence(lead_in)) or _list_kind(heading)
    for number, line in lines:
        item = _BULLET.match(line).group("item").strip()
        match = _NAMED_ITEM.match(item)
        if not match or not match.group("name").strip():
            parsed.skipped.append(
                Skip(number, f"list item {_shorten(item)!r}", "not of the form '- Name: text'")
            )
            continue
        name, text = _clean_name(match.group("name")), " ".join(match.group("text").split())
        if kind is None:
            parsed.skipped.append(
                Skip(number, f"list item {_shorten(name)!r}", "its heading names no known section")
            )
            continue
        item_kind = _measure_kind(name) if kind == "measure" else kind
        parsed.items.append(Item(item_kind, name, text, number))


def parse_brief(text: str) -> ParsedBrief:
    """The importable items of a brief's text; BriefImportError on a malformed table."""
    parsed = ParsedBrief()
    heading, lead_in = "", ""
    block: list[tuple[int, str]] = []
    block_type = None

    def flush():
        nonlocal block, block_type
        if block_type == "table":
            for table in _split_tables(block):
                _parse_table(table, parsed)
        elif block_type == "bullets":
            _parse_bullets(block, heading, lead_in, parsed)
        block, block_type = [], None

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if "|" in stripped and not _BULLET.match(line):
            kind = "table"
        elif _BULLET.match(line):
            kind = "bullets"
        else:
            kind = None
        if kind != block_type:
            flush()
        if kind is None:
            if _is_heading(stripped):
                heading, lead_in = stripped, ""
            else:
                lead_in = stripped
            continue
        block_type = kind
        block.append((number, line))
    flush()
    return parsed


# Saving ------------------------------------------------------------------------------


def _check_lengths(items: list[Item]) -> None:
    for item in items:
        model = KIND_MODELS.get(item.kind) or ENTRY_MODELS[item.kind]
        field_name = "title" if item.kind in OPTION_KINDS else "name"
        limit = model._meta.get_field(field_name).max_length
        if len(item.name) > limit:
            raise BriefImportError(
                f"Line {item.line}: the name {item.name[:40]!r}… is {len(item.name)} "
                f"characters long; at most {limit} fit."
            )


def _summary(text: str) -> str:
    limit = Option._meta.get_field("summary").max_length
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _option_fields(item: Item) -> dict:
    fields = {"summary": _summary(item.text)}
    if item.kind == STRATEGY:
        fields["expected_impact"] = item.text
    else:
        fields["description"] = item.text
    return fields


def _instrument(name: str) -> str:
    lowered = name.lower()
    for word, instrument in INSTRUMENTS:
        if word in lowered:
            return instrument
    return SanctionType.Instrument.OTHER


def _import_option(item: Item, slug: str, brief: Brief, status: str, author) -> ReportEntry:
    kind = OPTION_KINDS[item.kind]
    fields = _option_fields(item)
    existing = Option.objects.filter(slug=slug).first()
    if existing is None:
        extra = {"instrument": _instrument(item.name)} if item.kind == SANCTION_TYPE else {}
        services.option_create(
            kind=kind, author=author, title=item.name, slug=slug, status=status,
            brief=brief, **fields, **extra,
        )  # fmt: skip
        return ReportEntry("created", item.kind, item.name)
    if existing.kind != kind:
        return ReportEntry(
            "skipped", item.kind, item.name,
            f"an option with this name already exists as a {existing.get_kind_display().lower()}",
        )  # fmt: skip
    option = existing.specific
    fill = {name: value for name, value in fields.items() if value and not getattr(option, name)}
    if option.brief_id is None:
        fill["brief"] = brief
    if not fill:
        return ReportEntry("unchanged", item.kind, item.name)
    services.option_update(option=option, **fill)
    return ReportEntry("updated", item.kind, item.name, "filled " + ", ".join(sorted(fill)))


def _import_entry(item: Item, slug: str, brief: Brief) -> ReportEntry:
    model = ENTRY_MODELS[item.kind]
    text_field = "impact_on_east_asia" if item.kind == PAST_POLICY else "description"
    row = model.objects.filter(slug=slug).first()
    if row is None:
        row = model(name=item.name, slug=slug, **{text_field: item.text})
        if hasattr(row, "brief_id"):
            row.brief = brief
        row.full_clean()
        row.save()
        return ReportEntry("created", item.kind, item.name)
    fill = {}
    if item.text and not getattr(row, text_field):
        fill[text_field] = item.text
    if hasattr(row, "brief_id") and row.brief_id is None:
        fill["brief"] = brief
    if not fill:
        return ReportEntry("unchanged", item.kind, item.name)
    for name, value in fill.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return ReportEntry("updated", item.kind, item.name, "filled " + ", ".join(sorted(fill)))


def _brief_upsert(title: str, text: str) -> tuple[Brief, str]:
    slug = slugify(title)[:200]
    if not slug:
        raise BriefImportError("The brief's title must contain letters or digits.")
    # The same document imported under another title (a file name, say) is the same brief.
    brief = Brief.objects.filter(slug=slug).first() or Brief.objects.filter(text=text).first()
    if brief is None:
        brief = Brief(title=title, slug=slug, text=text)
        brief.full_clean()
        brief.save()
        return brief, "created"
    if brief.text != text:
        brief.text = text
        brief.save()
        return brief, "updated"
    return brief, "unchanged"


def import_brief(
    text: str,
    *,
    title: str,
    dry_run: bool = False,
    status: str = Option.Status.PUBLISHED,
    author=None,
) -> ImportReport:
    """Create or fill in the options and entries a brief names, linked to a Brief row.

    One transaction: a BriefImportError (bad table, over-long name, no options…) leaves
    the database untouched, and a dry run rolls everything back after building the report.
    """
    text = _check_text(text)
    title = " ".join(title.split())
    if not title:
        raise BriefImportError("The brief needs a title.")
    if len(title) > Brief._meta.get_field("title").max_length:
        raise BriefImportError("The brief's title is too long.")
    parsed = parse_brief(text)
    if not any(item.kind in OPTION_KINDS for item in parsed.items):
        raise BriefImportError(
            "No options found: the brief has no strategy, initiative or sanction type "
            "tables or '- Name: text' lists under a recognised heading."
        )
    _check_lengths(parsed.items)
    report = ImportReport(brief_title=title, dry_run=dry_run)
    try:
        with transaction.atomic():
            brief, report.brief_action = _brief_upsert(title, text)
            report.brief_title = brief.title
            seen = set()
            for item in parsed.items:
                slug = slugify(item.name)
                if not slug:
                    report.entries.append(
                        ReportEntry("skipped", item.kind, item.name, "its name has no letters")
                    )
                    continue
                key = (item.kind if item.kind in ENTRY_MODELS else "option", slug)
                if key in seen:
                    report.entries.append(
                        ReportEntry("skipped", item.kind, item.name, "named twice in the brief")
                    )
                    continue
                seen.add(key)
                if item.kind in OPTION_KINDS:
                    entry = _import_option(item, slug, brief, status, author)
                else:
                    entry = _import_entry(item, slug, brief)
                report.entries.append(entry)
            for skip in parsed.skipped:
                report.entries.append(
                    ReportEntry("skipped", skip.what, f"line {skip.line}", skip.reason)
                )
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        messages = "; ".join(error.messages)
        raise BriefImportError(f"The brief could not be saved: {messages}") from None
    return report
