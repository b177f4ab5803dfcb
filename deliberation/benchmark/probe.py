"""In-process measurements on one data set: queries per request, EXPLAIN of each
list query, full-text search against icontains, and the cursor of a deep page.

Runs with the benchmark settings against DATABASE_URL, in its own process
(`python -m deliberation.benchmark probe`), and prints one JSON object.
"""

import base64
import statistics
import time
from urllib.parse import parse_qs, urlencode, urlparse

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from deliberation.models import Comment, Vote

from .names import HOT_SLUG, RARE_WORD, bench_token
from .scenarios import SCENARIOS

DEEP_PAGE = 2000
LARGE_TABLE_ROWS = 10_000


def _client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def _token() -> str:
    username = (
        AuthToken.objects.filter(user__username__startswith="bench-analyst-")
        .order_by("user_id")
        .values_list("user__username", flat=True)
        .first()
    )
    return bench_token(username) if username else None


def _request(client, scenario, path=None, token=None):
    path = path or scenario.path
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    if scenario.method == "POST":
        return client.post(
            path,
            data={"option": HOT_SLUG, "choice": "support"},
            content_type="application/json",
            **headers,
        )
    return client.get(path, **headers)


def _count(client, scenario, path=None, token=None) -> tuple[int, int, list[str]]:
    _request(client, scenario, path, token)  # warm caches, as a running server would be
    with CaptureQueriesContext(connection) as queries:
        response = _request(client, scenario, path, token)
    return response.status_code, len(queries), [q["sql"] for q in queries]


def _with_page_size(path: str, size: int) -> str:
    parsed = urlparse(path)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    query["page_size"] = str(size)
    return f"{parsed.path}?{urlencode(query)}"


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= %s",
            [LARGE_TABLE_ROWS],
        )
        return {row[0] for row in cursor.fetchall()}


def _seq_scans(plan) -> set[str]:
    found = set()
    if isinstance(plan, dict):
        if plan.get("Node Type") == "Seq Scan":
            found.add(plan.get("Relation Name"))
        for child in plan.get("Plans", []):
            found |= _seq_scans(child)
    return found


def seq_scans_of(sqls: list[str], large: set[str]) -> list[str]:
    tables = set()
    with connection.cursor() as cursor:
        for sql in sqls:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            tables |= _seq_scans(plan[0]["Plan"])
    return sorted(tables & large)


def _cursor_of(position) -> str:
    return base64.b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")


def deep_page_paths(client, page_size: int = 50) -> dict:
    """The URLs of page 1 and page 2,000 of the votes and comments lists (cursor
    pagination on -id), when the set is that deep."""
    paths = {}
    for name, path, model in (
        ("votes", "/api/votes/", Vote),
        ("comments", "/api/comments/", Comment),
    ):
        first = f"{path}?page_size={page_size}"
        response = client.get(first)
        if response.status_code != 200:
            continue
        next_url = response.json().get("next") or ""
        cursor = parse_qs(urlparse(next_url).query).get("cursor")
        if not cursor:
            continue  # not cursor paginated, or only one page
        offset = (DEEP_PAGE - 1) * page_size - 1
        position = model.objects.order_by("-id").values_list("id", flat=True)[offset : offset + 1]
        if not position:
            continue
        deep = f"{path}?{urlencode({'cursor': _cursor_of(position[0]), 'page_size': page_size})}"
        check = client.get(deep)
        if check.status_code == 200 and len(check.json().get("results", [])) == page_size:
            paths[name] = {"first": first, "last": deep}
    return paths


def _median_ms(run, repeat: int = 5) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def search_side_by_side(term: str = RARE_WORD) -> dict:
    """The newest 50 matching comments, by the API's full-text query and by icontains."""
    fts = (
        Comment.objects.alias(document=SearchVector("body", config="english"))
        .filter(document=SearchQuery(term, search_type="websearch", config="english"))
        .order_by("-id")
    )
    plain = Comment.objects.filter(body__icontains=term).order_by("-id")
    fts_rows, plain_rows = list(fts[:50]), list(plain[:50])
    return {
        "term": term,
        "fts_ms": _median_ms(lambda: list(fts[:50])),
        "icontains_ms": _median_ms(lambda: list(plain[:50])),
        "fts_rows": len(fts_rows),
        "icontains_rows": len(plain_rows),
        "fts_plan": fts[:50].explain(),
    }


def probe() -> dict:
    client = _client()
    token = _token()
    large = _large_tables()
    result = {"queries": {}, "status": {}, "queries_by_page_size": {}, "seq_scans": {}}
    for scenario in SCENARIOS:
        needs_token = scenario.method == "POST"
        status, count, sqls = _count(client, scenario, token=token if needs_token else None)
        result["status"][scenario.name] = status
        result["queries"][scenario.name] = count
        if scenario.kind == "read":
            result["seq_scans"][scenario.name] = seq_scans_of(sqls, large)
        if scenario.paged:
            result["queries_by_page_size"][scenario.name] = {
                str(size): _count(client, scenario, _with_page_size(scenario.path, size))[1]
                for size in (10, 100)
            }
    deep = deep_page_paths(client)
    result["deep_page_paths"] = deep
    for name, paths in deep.items():
        for which, path in paths.items():
            get = next(s for s in SCENARIOS if s.method == "GET")
            _, _, sqls = _count(client, get, path)
            result["seq_scans"][f"{name}-{which}-page"] = seq_scans_of(sqls, large)
    result["search"] = search_side_by_side()
    return result


def profile(scenario_name: str, iterations: int = 30, budget_s: float = 30.0) -> str:
    """A pyinstrument profile of the scenario's request, run in-process: `iterations`
    requests, or fewer when they take more than `budget_s` seconds together."""
    from pyinstrument import Profiler

    scenario = next(s for s in SCENARIOS if s.name == scenario_name)
    client = _client()
    token = _token() if scenario.method == "POST" else None
    _request(client, scenario, token=token)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(iterations):
        _request(client, scenario, token=token)
        if time.perf_counter() - started > budget_s:
            break
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)
