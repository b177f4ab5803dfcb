"""The benchmark cannot rot: a tiny data set is generated on PostgreSQL and checked
row by row, and the harness's wrk parsing, verdicts and table are pinned."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F
from django.test import Client

from deliberation import models as d
from deliberation.benchmark.names import (
    HOT_SLUG,
    RARE_COMMENTS,
    RARE_OPTION_WORD,
    RARE_OPTIONS,
    RARE_WORD,
    TINY,
    TOKEN_USERS,
)
from deliberation.benchmark.scenarios import evaluate, parse_wrk, render_table
from policies import models as p
from tests.factories import CommentFactory, UserFactory


@pytest.fixture
def tiny_set(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the generator writes with PostgreSQL's COPY: run with DATABASE_URL=postgres://… "
            "(CI runs it in its PostgreSQL pass)"
        )
    from deliberation.benchmark.dataset import generate

    connection.ensure_connection()
    written = generate(connection.connection, TINY, vacuum=False)
    return written


@pytest.mark.postgres
def test_generator_writes_the_requested_rows(tiny_set):
    assert tiny_set["options"] == p.Option.objects.count() == TINY.options
    assert d.Comment.objects.count() == TINY.comments
    assert d.Vote.objects.count() == TINY.votes
    assert d.Annotation.objects.count() == TINY.annotations
    analysts = get_user_model().objects.filter(username__startswith="bench-analyst-")
    assert analysts.count() == TINY.analysts
    assert d.Profile.objects.filter(user__in=analysts).count() == TINY.analysts


@pytest.mark.postgres
def test_every_option_has_its_kind_row_and_rendered_text(tiny_set):
    kinds = Counter(p.Option.objects.values_list("kind", flat=True))
    assert set(kinds) == {"strategy", "initiative", "sanction_type"}
    for option in p.Option.objects.all():
        specific = option.specific
        assert specific is not option, f"{option.slug} has no kind row"
        for field in specific.rendered_fields:
            assert specific.rendered_html(field).startswith("<p>")
            assert specific.rendered_text(field)


@pytest.mark.postgres
def test_hot_option_holds_its_thread_and_annotations(tiny_set):
    hot = p.Option.objects.get(slug=HOT_SLUG)
    assert hot.comments.count() == TINY.hot_comments
    assert hot.annotations.count() == TINY.hot_annotations
    depths = [c.tree_depth for c in d.Comment.objects.with_tree_fields().filter(option=hot)]
    assert max(depths) >= 4
    assert depths.count(0) >= 2
    # Replies stay on their parent's option.
    assert not d.Comment.objects.exclude(parent=None).exclude(option=F("parent__option"))


@pytest.mark.postgres
def test_stored_counters_and_anchors_match_the_rows(tiny_set):
    counted = d.Comment.objects.annotate(n=Count("endorsements"))
    assert all(c.n == c.endorsement_count for c in counted)
    assert d.Endorsement.objects.exists()
    for annotation in d.Annotation.objects.select_related("option"):
        text = annotation.option.body_text
        assert text[annotation.start : annotation.end] == annotation.exact
        assert text[: annotation.start].endswith(annotation.prefix)


@pytest.mark.postgres
def test_votes_are_one_per_voter_and_option_and_tallies_add_up(tiny_set):
    pairs = d.Vote.objects.values("option", "voter").annotate(n=Count("id")).filter(n__gt=1)
    assert not pairs.exists()
    tallied = d.with_tally(p.Option.objects.all())
    assert sum(o.tally_support + o.tally_oppose + o.tally_abstain for o in tallied) == TINY.votes


@pytest.mark.postgres
def test_generated_analysts_can_sign_in_and_use_the_api(tiny_set, client):
    from knox.models import AuthToken

    from deliberation.benchmark.names import BENCH_PASSWORD, bench_token

    assert AuthToken.objects.filter(user__username__startswith="bench-analyst-").count() == min(
        TOKEN_USERS, TINY.analysts
    )
    assert client.login(username="bench-analyst-3", password=BENCH_PASSWORD)
    analyst = get_user_model().objects.get(username="bench-analyst-3")
    assert analyst.groups.filter(name="Analyst").exists()
    # The harness derives each token from the name: only its hash is stored.
    me = Client(HTTP_AUTHORIZATION=f"Token {bench_token('bench-analyst-3')}").get("/api/me/")
    assert me.status_code == 200 and me.json()["username"] == "bench-analyst-3"


@pytest.mark.postgres
def test_sequences_continue_after_the_generated_ids(tiny_set):
    comment = CommentFactory(author=UserFactory())
    assert comment.pk > TINY.comments


@pytest.mark.postgres
def test_rare_search_words_are_in_the_same_number_of_rows_whatever_the_size(tiny_set):
    assert d.Comment.objects.filter(body__icontains=RARE_WORD).count() == RARE_COMMENTS
    assert p.Option.objects.filter(summary__icontains=RARE_OPTION_WORD).count() == RARE_OPTIONS


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8710/api/options/?page_size=50
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.33ms    4.02ms  62.10ms   85.00%
    Req/Sec   187.52     20.11   232.00     71.00%
  Latency Distribution
     50%   20.51ms
     75%   22.90ms
     90%   25.31ms
     99%    1.02s
  1873 requests in 10.01s, 12.40MB read
  Socket errors: connect 0, read 1873, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    187.11
Transfer/sec:      1.24MB
"""


def test_wrk_output_is_read_into_rates_percentiles_and_errors():
    figures = parse_wrk(WRK_OUTPUT)
    assert figures["rps"] == pytest.approx(187.11)
    assert figures["requests"] == 1873
    assert figures["p50_ms"] == pytest.approx(20.51)
    assert figures["p99_ms"] == pytest.approx(1020.0)
    assert figures["non_2xx"] == 3
    # Read errors are closed keep-alive connections of sync workers; timeouts count.
    assert figures["socket_errors"] == 2


def test_wrk_output_without_a_summary_is_refused():
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:8710 Connection refused")


def _row(rps, p50):
    return {"rps": rps, "p50_ms": p50, "p99_ms": p50 * 3, "non_2xx": 0, "socket_errors": 0}


def _results(api_rps=700, large_option_page=12.0, large_queries=7, deep_last=5.5):
    def data(option_page_ms, queries):
        return {
            "scenarios": {
                "baseline-json": _row(1000, 4.0),
                "api-options": _row(api_rps, 6.0),
                "option-page": _row(50, option_page_ms),
            },
            "queries": {"baseline-json": 1, "api-options": queries, "option-page": 11},
            "queries_by_page_size": {"api-options": {"10": queries, "100": queries}},
            "worker_rss_mb": [120.0, 118.5],
            "generator_peak_mb": 80.0,
        }

    small, large = data(10.0, 7), data(large_option_page, large_queries)
    large["deep_pages"] = {"votes": {"first_p50_ms": 5.0, "last_p50_ms": deep_last}}
    large["seq_scans"] = {"api-options": [], "option-page": []}
    large["search"] = {"fts_ms": 1.0, "icontains_ms": 250.0}
    return {
        "datasets": {"small": small, "large": large},
        "hot_row": {
            "requests": 100,
            "errors": 0,
            "missing": 0,
            "duplicates": 0,
            "tally_matches_rows": True,
        },
        "csv_export": {
            "status": 200,
            "rows": 1_000_000,
            "expected_rows": 1_000_000,
            "seconds": 30.0,
            "worker_peak_mb": 140.0,
        },
    }


def _verdicts(results):
    return {v["target"]: v["verdict"] for v in evaluate(results)}


def test_every_target_is_met_by_good_figures():
    verdicts = _verdicts(_results())
    assert set(verdicts.values()) == {"MET"}, verdicts


def test_slow_api_list_growing_latency_and_deep_pages_are_not_met():
    verdicts = _verdicts(_results(api_rps=500, large_option_page=16.0, deep_last=6.5))
    assert verdicts["api-vs-baseline"] == "NOT MET"  # 50% of the baseline
    assert verdicts["median-growth"] == "NOT MET"  # 1.6× from small to large
    assert verdicts["deep-pages"] == "NOT MET"  # 1.3× the first page
    assert verdicts["search-fts"] == "MET"


def test_queries_that_grow_with_the_data_are_not_met():
    verdicts = _verdicts(_results(large_queries=57))
    assert verdicts["queries-constant-size"] == "NOT MET"
    assert verdicts["queries-constant-page"] == "MET"


def test_lost_votes_and_missing_measurements_are_reported():
    results = _results()
    results["hot_row"]["missing"] = 1
    del results["csv_export"]
    verdicts = _verdicts(results)
    assert verdicts["hot-row"] == "NOT MET"
    assert verdicts["csv-export"] == "NOT MEASURED"


def test_table_lists_each_scenario_with_its_ratio_and_every_verdict():
    results = _results()
    verdicts = evaluate(results)
    table = render_table(results, verdicts)
    assert "| api-options | 700 | 6.0 | 18.0 | 7 | 0.70 | 0 |" in table
    assert "### large data set" in table
    assert table.count("**MET**") == len(verdicts)


def test_a_read_that_never_finishes_on_the_large_set_is_not_met():
    results = _results()
    results["datasets"]["large"]["scenarios"]["option-page"] = {
        "rps": 0.0,
        "requests": 0,
        "p50_ms": None,
        "p99_ms": None,
        "non_2xx": 0,
        "socket_errors": 4,
    }
    verdict = next(v for v in evaluate(results) if v["target"] == "median-growth")
    assert verdict["verdict"] == "NOT MET"
    assert "option-page inf×" in verdict["detail"]
    assert "| option-page | 0 | – | – |" in render_table(results, evaluate(results))
