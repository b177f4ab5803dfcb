import csv
import io

import pytest
from django.http import StreamingHttpResponse

from deliberation.api.renderers import escape_cell, flatten
from tests.api.conftest import RESOURCES
from tests.factories import (
    ActorFactory,
    AnnotationFactory,
    BriefFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    ImplicationFactory,
    InitiativeFactory,
    SanctionTypeFactory,
    SectorFactory,
    StrategyFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def _text(response):
    if isinstance(response, StreamingHttpResponse):
        return b"".join(
            part if isinstance(part, bytes) else part.encode()
            for part in response.streaming_content
        ).decode()
    return response.content.decode()


def _rows(response):
    return list(csv.DictReader(io.StringIO(_text(response))))


def _header(response):
    return next(csv.reader(io.StringIO(_text(response))), None)


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (3, "3"),
        (None, ""),
    ],
)
def test_formula_cells_are_escaped(value, expected):
    assert escape_cell(value) == expected


def test_comment_export_streams_every_row_with_formulas_escaped(anon_api):
    option = StrategyFactory(slug="targeted-sanctions")
    CommentFactory(option=option, body="=cmd|' /C calc'!A0")
    CommentFactory.create_batch(4, option=option)
    response = anon_api.get("/api/comments/?format=csv&page_size=2")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert len(rows) == 5
    assert {"id", "option", "stance", "body", "author", "depth"} <= set(rows[0])
    assert "'=cmd|' /C calc'!A0" in {row["body"] for row in rows}


def test_vote_export_streams_every_vote_of_the_filter(anon_api):
    option, other = StrategyFactory(), StrategyFactory()
    VoteFactory.create_batch(3, option=option, choice="support")
    VoteFactory(option=other)
    response = anon_api.get(f"/api/votes/?format=csv&option={option.slug}")
    assert isinstance(response, StreamingHttpResponse)
    rows = _rows(response)
    assert [row["choice"] for row in rows] == ["support"] * 3
    assert {row["option"] for row in rows} == {option.slug}


def test_vote_export_holds_what_the_list_shows(anon_api):
    option = StrategyFactory()
    VoteFactory.create_batch(3, option=option)
    VoteFactory(option=option, voter=None)  # an account since deleted
    listed = anon_api.get("/api/votes/?page_size=10").json()["results"]
    exported = _rows(anon_api.get("/api/votes/?format=csv"))
    as_text = [
        {key: "" if value is None else str(value) for key, value in row.items()} for row in listed
    ]
    assert sorted(exported, key=lambda row: int(row["id"])) == sorted(
        as_text, key=lambda row: int(row["id"])
    )
    assert list(exported[0]) == list(listed[0])


def test_option_export_flattens_the_tally(anon_api):
    option = StrategyFactory(slug="targeted-sanctions", title="-Dangerous title")
    VoteFactory.create_batch(2, option=option, choice="support")
    rows = _rows(anon_api.get("/api/strategies/?format=csv"))
    assert rows[0]["tally.support"] == "2" and rows[0]["tally.net"] == "2"
    assert rows[0]["title"] == "'-Dangerous title"


def test_export_memory_stays_flat(anon_api, django_assert_max_num_queries):
    option = StrategyFactory()
    VoteFactory.create_batch(30, option=option)
    from deliberation.api import views

    original = views.EXPORT_CHUNK_SIZE
    views.EXPORT_CHUNK_SIZE = 10
    try:
        response = anon_api.get("/api/votes/?format=csv")
        with django_assert_max_num_queries(6):
            rows = _rows(response)
    finally:
        views.EXPORT_CHUNK_SIZE = original
    assert len(rows) == 30


def test_annotation_export(anon_api):
    from tests.factories import AnnotationFactory

    AnnotationFactory(body="@import evil")
    rows = _rows(anon_api.get("/api/annotations/?format=csv"))
    assert rows[0]["body"] == "'@import evil"
    assert rows[0]["exact"] == "Apply"


def test_numbers_stay_numbers_in_the_export(anon_api):
    option = StrategyFactory(slug="unpopular")
    VoteFactory.create_batch(3, option=option, choice="oppose")
    rows = _rows(anon_api.get("/api/strategies/?format=csv"))
    assert rows[0]["tally.net"] == "-3"
    assert escape_cell(-2.5) == "-2.5"


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_empty_export_still_names_its_columns(moderator_api, resource):
    response = moderator_api.get(f"/api/{resource}/?format=csv&search=nothing-matches-this")
    assert response.status_code == 200
    assert _rows(response) == []
    header = _header(moderator_api.get(f"/api/{resource}/?format=csv&search=nothing-matches-this"))
    assert header and ("id" in header or "slug" in header)


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_export_holds_what_the_list_shows_under_its_header(moderator_api, resource):
    strategy = StrategyFactory(title="=Strategy")
    strategy.implications.add(ImplicationFactory())
    strategy.actors.add(ActorFactory())
    strategy.sectors.add(SectorFactory())
    BriefFactory()
    InitiativeFactory()
    SanctionTypeFactory()
    comment = CommentFactory(option=strategy)
    VoteFactory(option=strategy)
    EndorsementFactory(comment=comment)
    FlagFactory(comment=comment)
    AnnotationFactory(option=strategy)

    reader = csv.DictReader(io.StringIO(_text(moderator_api.get(f"/api/{resource}/?format=csv"))))
    header = reader.fieldnames
    exported = {row[header[0]]: row for row in reader}
    listed = moderator_api.get(f"/api/{resource}/?page_size=100").json()["results"]
    assert listed and len(exported) == len(listed)
    for item in listed:
        flat = flatten(item)
        if resource != "options":  # a list of one kind has exactly that kind's columns
            assert list(flat) == header
        row = exported[str(flat[header[0]])]
        assert {name: row[name] for name in flat} == {
            name: escape_cell(value) for name, value in flat.items()
        }


def test_the_export_of_every_option_keeps_each_kinds_own_fields(anon_api):
    StrategyFactory(slug="a-strategy", time_horizon="long")
    InitiativeFactory(slug="an-initiative", objectives="Close the ports.")
    SanctionTypeFactory(slug="a-sanction", instrument="asset_freeze")
    rows = {row["slug"]: row for row in _rows(anon_api.get("/api/options/?format=csv"))}
    assert rows["a-strategy"]["time_horizon"] == "long"
    assert rows["an-initiative"]["objectives"] == "Close the ports."
    assert rows["a-sanction"]["instrument"] == "asset_freeze"
    # A column of another kind is empty, not borrowed.
    assert rows["a-strategy"]["instrument"] == ""
