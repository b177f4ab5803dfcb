from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies import demo
from policies.importer import BriefImportError, decode_brief, import_brief, parse_brief
from policies.models import (
    Brief,
    Initiative,
    Lesson,
    Option,
    PastPolicy,
    SanctionType,
    StrategicImplication,
    Strategy,
)
from tests.factories import StrategyFactory

BRIEFS = Path(__file__).resolve().parent.parent / "briefs"
BRIEF_FILE = demo.BRIEF_PATH

pytestmark = pytest.mark.django_db


def _import(name, *args):
    call_command("import_brief", str(BRIEFS / name), *args)


def _row_counts():
    return [
        model.objects.count() for model in (Brief, Option, Lesson, PastPolicy, StrategicImplication)
    ]


def test_import_creates_every_option_and_entry_of_a_brief_linked_to_it(capsys):
    _import("small.txt", "--title", "Arctic shipping")
    output = capsys.readouterr().out
    brief = Brief.objects.get(slug="arctic-shipping")
    assert "Enhanced" not in brief.text and "Icebreaker Diplomacy" in brief.text
    strategies = {s.title: s for s in Strategy.objects.filter(brief=brief)}
    assert set(strategies) == {"Icebreaker Diplomacy", "Port Investment"}
    assert strategies["Port Investment"].expected_impact_html == (
        "<p>Builds leverage through infrastructure.</p>\n"
    )
    assert set(Initiative.objects.values_list("title", flat=True)) == {
        "Satellite Tracking",
        "Joint Patrols",
    }
    assert set(SanctionType.objects.values_list("title", flat=True)) == {
        "Shipping Sanctions",
        "Port Bans",
    }
    assert Option.objects.published().count() == 6
    assert StrategicImplication.objects.get().name == "Route Control"
    assert Lesson.objects.get().description == "Agreements take years, not months."
    assert PastPolicy.objects.get().impact_on_east_asia == "Kept sea lanes open."
    assert "created strategy: Icebreaker Diplomacy" in output
    assert "not of the form '- Name: text'" in output
    assert output.strip().endswith("9 created, 0 updated, 0 unchanged, 1 skipped.")


def test_a_second_import_reports_nothing_new_and_changes_nothing(capsys):
    _import("small.txt")
    capsys.readouterr()
    history = Option.history.count()
    _import("small.txt")
    output = capsys.readouterr().out
    assert "0 created, 0 updated, 9 unchanged, 1 skipped." in output
    assert "created" not in output.replace("0 created", "")
    assert Option.history.count() == history


def test_import_fills_only_empty_fields_of_existing_options(capsys):
    curated = StrategyFactory(
        title="Icebreaker Diplomacy",
        slug="icebreaker-diplomacy",
        summary="Our own summary.",
        expected_impact="",
    )
    _import("small.txt")
    output = capsys.readouterr().out
    curated = Strategy.objects.get(pk=curated.pk)
    assert curated.summary == "Our own summary."
    assert curated.expected_impact == "Keeps the route open by agreement rather than force."
    assert "updated strategy: Icebreaker Diplomacy (filled brief, expected_impact)" in output


def test_an_option_of_another_kind_with_the_same_name_is_skipped_with_the_reason():
    StrategyFactory(title="Joint Patrols", slug="joint-patrols")
    report = import_brief((BRIEFS / "small.txt").read_text(), title="Arctic")
    (skipped,) = [entry for entry in report.skipped if entry.name == "Joint Patrols"]
    assert "already exists as a strategy" in skipped.detail
    assert not Initiative.objects.filter(slug="joint-patrols").exists()


def test_dry_run_reports_what_would_happen_and_saves_nothing(capsys):
    _import("small.txt", "--dry-run")
    output = capsys.readouterr().out
    assert output.startswith("Dry run, nothing saved.")
    assert "created initiative: Joint Patrols" in output
    assert _row_counts() == [0, 0, 0, 0, 0]


def test_the_sanction_instrument_is_taken_from_its_name():
    text = (
        "Sanctions\nSanction Type | Description |\n---|---|\n"
        "Asset Freezes | a |\nTrade Embargoes | b |\nTravel Restrictions | c |\n"
        "Sector-specific Sanctions | d |\nNaming and Shaming | e |\n"
    )
    import_brief(text, title="Sanctions")
    assert dict(SanctionType.objects.values_list("slug", "instrument")) == {
        "asset-freezes": "asset_freeze",
        "trade-embargoes": "trade_embargo",
        "travel-restrictions": "travel_restriction",
        "sector-specific-sanctions": "sector_specific",
        "naming-and-shaming": "other",
    }


@pytest.mark.parametrize(
    "name, message",
    [
        ("missing.txt", "No such file"),
        ("empty.txt", "The file is empty"),
        ("binary.bin", "looks binary"),
        ("latin1.txt", "not UTF-8"),
        ("no_header.txt", "no header row"),
        ("ragged.txt", "3 cells where the header has 2"),
        ("long_name.txt", "201 characters long; at most 200 fit"),
        ("no_options.txt", "No options found"),
    ],
)
def test_bad_briefs_are_refused_with_a_clear_message_and_nothing_written(name, message):
    with pytest.raises(CommandError, match=message):
        _import(name)
    assert _row_counts() == [0, 0, 0, 0, 0]


def test_a_brief_over_the_size_limit_is_refused(settings, tmp_path):
    settings.BRIEF_UPLOAD_MAX_BYTES = 100
    big = tmp_path / "big.txt"
    big.write_text((BRIEFS / "small.txt").read_text())
    with pytest.raises(CommandError, match="at most 100 bytes"):
        call_command("import_brief", str(big))
    assert _row_counts() == [0, 0, 0, 0, 0]


def test_a_bad_table_late_in_the_brief_leaves_earlier_items_unwritten():
    text = (BRIEFS / "small.txt").read_text() + "\nMore\nStrategy | Impact |\n---|---|\nX |\n"
    with pytest.raises(BriefImportError, match="1 cells where the header has 2"):
        import_brief(text, title="Arctic")
    assert _row_counts() == [0, 0, 0, 0, 0]


def test_decode_accepts_utf8_with_a_byte_order_mark():
    assert decode_brief("\ufeffStrategy".encode()) == "Strategy"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(list("|-:*• \n\t")),
            st.sampled_from(
                ["Strategy", "Initiative", "Sanction Type", "Policy Focus", "---", "lessons"]
            ),
            st.text(max_size=20),
        ),
        max_size=80,
    ).map("".join)
)
def test_the_importer_never_crashes_on_arbitrary_text(text):
    before = Option.objects.count()
    try:
        report = import_brief(text, title="Fuzz", dry_run=True)
    except BriefImportError as error:
        assert str(error)
    else:
        assert report.dry_run and report.lines()
    assert Option.objects.count() == before


@given(st.lists(st.text(min_size=1, max_size=80), max_size=8))
def test_parsing_arbitrary_tables_either_yields_items_or_a_clear_error(cells):
    text = "Strategy | Impact |\n---|---|\n" + "\n".join(f"{c} | x |" for c in cells)
    try:
        parsed = parse_brief(text)
    except BriefImportError as error:
        assert "Line" in str(error)
    else:
        assert all(item.kind == "strategy" for item in parsed.items)


def test_the_shared_brief_imports_every_named_option_and_a_second_run_adds_nothing(capsys):
    call_command("import_brief", str(BRIEF_FILE))
    first = capsys.readouterr().out
    titles = set(Option.objects.values_list("title", flat=True))
    assert {
        "Enhanced Defense Cooperation",
        "Targeted Sanctions",
        "Strengthened Alliances",
        "Increased Military Presence",
        "Regional Security Alliances",
        "Enhanced Monitoring",
        "Multilateral Coordination",
        "Asset Freezes",
        "Sector-specific Sanctions",
    } <= titles
    assert SanctionType.objects.get(slug="sector-specific-sanctions").instrument == (
        "sector_specific"
    )
    assert Initiative.objects.filter(slug="enhanced-monitoring").exists()
    assert PastPolicy.objects.count() == 3 and Lesson.objects.count() == 3
    assert StrategicImplication.objects.count() == 4
    assert "diplomatic measures to engage" in first  # reported as skipped, with the reason
    call_command("import_brief", str(BRIEF_FILE))
    second = capsys.readouterr().out
    assert "0 created, 0 updated" in second


def test_importing_the_shared_brief_over_the_demo_keeps_the_curated_wording(capsys):
    call_command("load_demo")
    summaries = dict(Option.objects.values_list("slug", "summary"))
    call_command("import_brief", str(BRIEF_FILE), "--title", demo.BRIEF["title"])
    output = capsys.readouterr().out
    assert "0 created, 0 updated" in output
    assert dict(Option.objects.values_list("slug", "summary")) == summaries


def test_importing_the_shared_brief_by_its_file_name_goes_into_the_demo_brief(capsys):
    call_command("load_demo")
    capsys.readouterr()

    call_command("import_brief", str(BRIEF_FILE))

    output = capsys.readouterr().out
    assert Brief.objects.count() == 1
    assert f"Brief {demo.BRIEF['title']!r}: unchanged." in output
    assert "0 created, 0 updated" in output


def test_a_brief_with_the_same_text_under_another_title_is_not_duplicated(capsys):
    _import("small.txt", "--title", "Arctic shipping")
    _import("small.txt", "--title", "Arctic shipping, again")

    assert list(Brief.objects.values_list("title", flat=True)) == ["Arctic shipping"]
    assert "Brief 'Arctic shipping': unchanged." in capsys.readouterr().out
