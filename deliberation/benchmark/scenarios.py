"""What the benchmark measures, how it reads wrk's output, and how it judges the figures.

Everything here is pure (no server, no database), so the test suite checks it.
"""

import re
from dataclasses import dataclass

from .names import HOT_SLUG, RARE_OPTION_WORD, RARE_WORD


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    kind: str  # "baseline", "read" or "write"
    description: str
    method: str = "GET"
    concurrency: int = 4
    # Lists whose query count must not depend on the page size.
    paged: bool = False


SCENARIOS = [
    Scenario("baseline-hello", "/bench/hello/", "baseline", "bare HttpResponse"),
    Scenario("baseline-json", "/bench/options.json", "baseline", "50 option rows as JSON"),
    Scenario(
        "api-options",
        "/api/options/?page_size=50",
        "read",
        "API option list, 50 with tallies and counts",
        paged=True,
    ),
    Scenario("option-page", f"/options/{HOT_SLUG}/", "read", "option page, 300-comment thread"),
    Scenario(
        "api-comments",
        f"/api/comments/?option={HOT_SLUG}",
        "read",
        "API comments of one option",
        paged=True,
    ),
    Scenario(
        "search-comments",
        f"/api/comments/?search={RARE_WORD}",
        "read",
        "API comment search",
        paged=True,
    ),
    Scenario(
        "search-options",
        f"/api/options/?search={RARE_OPTION_WORD}",
        "read",
        "API option search",
        paged=True,
    ),
    Scenario("home", "/", "read", "home page"),
    Scenario(
        "votes",
        "/api/votes/",
        "write",
        "50 analysts cast and change votes",
        method="POST",
        concurrency=50,
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}
JSON_BASELINE = "baseline-json"
API_LIST = "api-options"

TARGETS = {
    "queries-constant-size": "Queries per request equal on the small and the large set",
    "queries-constant-page": "Queries per request equal for page sizes 10 and 100",
    "api-vs-baseline": "API option list ≥ 60% of the JSON baseline's throughput",
    "median-growth": "Median latency of every read grows ≤ 1.5× from small to large",
    "deep-pages": "Page 2,000 of votes and comments costs ≤ 1.2× page 1",
    "no-seq-scan": "EXPLAIN of every list query: no sequential scan of a large table",
    "search-fts": "Full-text search ≥ 10× faster than icontains (large set)",
    "hot-row": "50 concurrent voters on one option: no error, no lost vote, exact tally",
    "worker-memory": "Each gunicorn worker's RSS after the run < 300 MB",
    "generator-memory": "Data generator peak memory < 2 GB",
    "csv-export": "CSV export of every vote streams, worker peak < 300 MB",
}
LIMITS = {
    "api_vs_baseline": 0.6,
    "median_growth": 1.5,
    "deep_pages": 1.2,
    "search_speedup": 10.0,
    "worker_mb": 300,
    "generator_mb": 2048,
}

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests per second, median and 99th percentile (ms), requests and errors from
    `wrk --latency` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rps or not total:
        raise ValueError("wrk output has no summary")
    percentiles = {
        int(p): _duration_ms(value)
        for p, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    completed = int(total.group(1))
    return {
        "rps": float(rps.group(1)),
        "requests": completed,
        # No completed request (every one slower than wrk's timeout): no latency to report.
        "p50_ms": percentiles.get(50) if completed else None,
        "p99_ms": percentiles.get(99) if completed else None,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        # Read errors are the sync workers closing kept-alive connections; not failures.
        "socket_errors": sum(int(n) for i, n in enumerate(sockets.groups()) if i != 1)
        if sockets
        else 0,
    }


def _verdict(target: str, met: bool | None, detail: str) -> dict:
    status = "MET" if met else ("NOT MEASURED" if met is None else "NOT MET")
    return {"target": target, "title": TARGETS[target], "verdict": status, "detail": detail}


def _get(mapping, *keys):
    for key in keys:
        if not isinstance(mapping, dict) or key not in mapping or mapping[key] is None:
            return None
        mapping = mapping[key]
    return mapping


def evaluate(results: dict) -> list[dict]:
    """Judge every target from a results dict (as run.py builds and writes to JSON)."""
    sets = results.get("datasets", {})
    small, large = sets.get("small", {}), sets.get("large", {})
    verdicts = []

    # Queries: the same on both sets, and for both page sizes.
    differing, compared = [], 0
    for name in BY_NAME:
        a, b = _get(small, "queries", name), _get(large, "queries", name)
        if a is None or b is None:
            continue
        compared += 1
        if a != b:
            differing.append(f"{name} {a}→{b}")
    verdicts.append(
        _verdict(
            "queries-constant-size",
            (not differing) if compared else None,
            ", ".join(differing) or f"{compared} scenarios compared",
        )
    )
    differing, compared = [], 0
    for label, data in (("small", small), ("large", large)):
        for name, counts in (data.get("queries_by_page_size") or {}).items():
            compared += 1
            if counts.get("10") != counts.get("100"):
                differing.append(f"{label} {name} {counts.get('10')}≠{counts.get('100')}")
    verdicts.append(
        _verdict(
            "queries-constant-page",
            (not differing) if compared else None,
            ", ".join(differing) or f"{compared} lists compared",
        )
    )

    # Throughput of the API list against the JSON baseline, on each set.
    ratios = []
    for label, data in (("small", small), ("large", large)):
        api = _get(data, "scenarios", API_LIST, "rps")
        base = _get(data, "scenarios", JSON_BASELINE, "rps")
        if api is not None and base:
            ratios.append((label, api / base))
    verdicts.append(
        _verdict(
            "api-vs-baseline",
            all(r >= LIMITS["api_vs_baseline"] for _, r in ratios) if ratios else None,
            ", ".join(f"{label} {r:.0%}" for label, r in ratios),
        )
    )

    # Median growth of reads.
    growth = []
    for scenario in SCENARIOS:
        if scenario.kind != "read":
            continue
        a = _get(small, "scenarios", scenario.name, "p50_ms")
        b = _get(large, "scenarios", scenario.name, "p50_ms")
        if a and b is not None:
            growth.append((scenario.name, b / a))
        elif a and _get(large, "scenarios", scenario.name, "requests") == 0:
            growth.append((scenario.name, float("inf")))  # nothing finished in time
    worst = max(growth, key=lambda g: g[1]) if growth else None
    verdicts.append(
        _verdict(
            "median-growth",
            all(g <= LIMITS["median_growth"] for _, g in growth) if growth else None,
            ", ".join(f"{n} {g:.2f}×" for n, g in growth if g > LIMITS["median_growth"])
            or (f"worst {worst[0]} {worst[1]:.2f}×" if worst else ""),
        )
    )

    deep = large.get("deep_pages") or {}
    deep_ratios = [
        (name, d["last_p50_ms"] / d["first_p50_ms"])
        for name, d in deep.items()
        if d.get("first_p50_ms") and d.get("last_p50_ms") is not None
    ]
    verdicts.append(
        _verdict(
            "deep-pages",
            all(r <= LIMITS["deep_pages"] for _, r in deep_ratios) if deep_ratios else None,
            ", ".join(f"{n} {r:.2f}×" for n, r in deep_ratios),
        )
    )

    explain = large.get("seq_scans")
    verdicts.append(
        _verdict(
            "no-seq-scan",
            None if explain is None else not any(explain.values()),
            ", ".join(f"{n}: {', '.join(t)}" for n, t in (explain or {}).items() if t)
            or f"{len(explain or {})} lists explained",
        )
    )

    search = large.get("search") or {}
    fts, icontains = search.get("fts_ms"), search.get("icontains_ms")
    speedup = icontains / fts if fts and icontains else None
    verdicts.append(
        _verdict(
            "search-fts",
            None if speedup is None else speedup >= LIMITS["search_speedup"],
            f"{fts:.1f} ms vs {icontains:.1f} ms: {speedup:.0f}×" if speedup else "",
        )
    )

    hot = results.get("hot_row")
    if hot:
        met = (
            hot["errors"] == 0
            and hot["missing"] == 0
            and hot["duplicates"] == 0
            and hot["tally_matches_rows"]
        )
        detail = (
            f"{hot['requests']} requests, {hot['errors']} errors, {hot['missing']} lost, "
            f"{hot['duplicates']} duplicated, "
            f"tally {'exact' if hot['tally_matches_rows'] else 'WRONG'}"
        )
    else:
        met, detail = None, ""
    verdicts.append(_verdict("hot-row", met, detail))

    rss = [
        (label, mb)
        for label, data in (("small", small), ("large", large))
        for mb in (data.get("worker_rss_mb") or [])
    ]
    verdicts.append(
        _verdict(
            "worker-memory",
            all(mb < LIMITS["worker_mb"] for _, mb in rss) if rss else None,
            ", ".join(f"{label} {mb:.0f} MB" for label, mb in rss),
        )
    )
    peaks = [
        (label, data["generator_peak_mb"])
        for label, data in (("small", small), ("large", large))
        if data.get("generator_peak_mb") is not None
    ]
    verdicts.append(
        _verdict(
            "generator-memory",
            all(mb < LIMITS["generator_mb"] for _, mb in peaks) if peaks else None,
            ", ".join(f"{label} {mb:.0f} MB" for label, mb in peaks),
        )
    )
    csv = results.get("csv_export")
    if csv:
        met = (
            csv["status"] == 200
            and csv["rows"] >= csv["expected_rows"]
            and csv["worker_peak_mb"] < LIMITS["worker_mb"]
        )
        detail = (
            f"HTTP {csv['status']}, {csv['rows']:,} of {csv['expected_rows']:,} rows in "
            f"{csv['seconds']:.1f} s, worker peak {csv['worker_peak_mb']:.0f} MB"
        )
    else:
        met, detail = None, ""
    verdicts.append(_verdict("csv-export", met, detail))
    return verdicts


def _cell(value, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def render_table(results: dict, verdicts: list[dict]) -> str:
    """A Markdown table per data set (one row per scenario) and the verdicts."""
    lines = []
    for label, data in results.get("datasets", {}).items():
        scenarios = data.get("scenarios", {})
        base = _get(scenarios, JSON_BASELINE, "rps")
        lines += [
            f"### {label} data set",
            "",
            "| scenario | req/s | median ms | p99 ms | queries | × JSON baseline | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for scenario in SCENARIOS:
            row = scenarios.get(scenario.name)
            if row is None:
                continue
            ratio = row["rps"] / base if base else None
            errors = (row.get("non_2xx") or 0) + (row.get("socket_errors") or 0)
            lines.append(
                f"| {scenario.name} | {_cell(row.get('rps'), '.0f')} | "
                f"{_cell(row.get('p50_ms'), '.1f')} | {_cell(row.get('p99_ms'), '.1f')} | "
                f"{_cell(_get(data, 'queries', scenario.name), 'd')} | "
                f"{_cell(ratio, '.2f')} | {errors} |"
            )
        lines.append("")
    lines += ["| target | verdict | figures |", "|---|---|---|"]
    for v in verdicts:
        lines.append(f"| {v['title']} | **{v['verdict']}** | {v['detail']} |")
    return "\n".join(lines) + "\n"
