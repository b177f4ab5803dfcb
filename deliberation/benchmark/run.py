"""The whole benchmark: build the data sets, serve each with gunicorn, load it with wrk,
check the targets, print the table and write the figures to JSON.

    python -m deliberation.benchmark [--sizes small,large] [--duration 10] [--reuse]
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path

import psycopg
import redis

from .names import HOT_SLUG, SIZES, TOKEN_USERS, bench_token
from .scenarios import BY_NAME, SCENARIOS, evaluate, parse_wrk, render_table

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SETTINGS = "deliberation.benchmark.settings"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _env(database_url: str | None = None, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # As deployed: Redis is the cache, the throttles' store and the content version.
        "REDIS_URL": REDIS_URL,
        **extra,
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _manage(*args, env, capture=False):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )


def _database_url(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + name


def _existing_rows(url: str) -> int | None:
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM auth_user WHERE username LIKE 'bench-analyst-%%'"
            ).fetchone()
            return row[0]
    except psycopg.Error:
        return None


def prepare(size: str, server_url: str, prefix: str, reuse: bool) -> dict:
    """Create the database afresh, migrate it and fill it; returns what it took."""
    name = f"{prefix}_{size}"
    url = _database_url(server_url, name)
    if reuse and _existing_rows(url) == SIZES[size].analysts:
        log(f"{size}: reusing database {name}")
        _manage("migrate", "--noinput", "-v0", env=_env(url))
        # New expression indexes have no statistics until analysed; without them the
        # planner guesses and may scan instead.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        return {"database": name, "url": url, "reused": True}
    log(f"{size}: creating database {name}")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    _manage("migrate", "--noinput", "-v0", env=_env(url))
    log(f"{size}: generating rows")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "bench_dataset", "--size", size],
        cwd=BASE_DIR,
        env=_env(url),
        stdout=subprocess.PIPE,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"bench_dataset failed for {size}")
    log(f"{size}: {output.strip()}")
    return {
        "database": name,
        "url": url,
        "reused": False,
        "generator_seconds": round(time.perf_counter() - started, 1),
        "generator_peak_mb": round(usage.ru_maxrss / 1024, 1),
    }


class Server:
    """gunicorn with two workers on a loopback port, serving one data set."""

    def __init__(self, url: str, port: int, logdir: Path):
        self.url, self.port = url, port
        self.base = f"http://127.0.0.1:{port}"
        self.logfile = open(logdir / f"gunicorn-{port}.log", "w")  # noqa: SIM115
        self.process = None

    def __enter__(self):
        # Each data set starts with an empty cache: nothing cached from the other set.
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "deliberation.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                # The full CSV export is one long streamed response; a sync worker gets
                # no heartbeat while streaming, so its timeout must cover the export.
                "--timeout",
                "600",
            ],
            cwd=BASE_DIR,
            env=_env(self.url),
            stdout=self.logfile,
            stderr=self.logfile,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/bench/hello/", timeout=2) as r:
                    if r.status == 200 and len(self.workers()) == 2:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start; see {self.logfile.name}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.logfile.close()

    def drain(self, limit: float = 120) -> None:
        """Wait until requests that wrk gave up on have left the workers' queues."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + "/bench/hello/", timeout=limit) as r:
                    r.read()
            except OSError:
                pass
            if time.monotonic() - started < 0.2:
                return

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def memory_mb(self, field: str = "VmRSS") -> list[float]:
        figures = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    figures.append(round(int(line.split()[1]) / 1024, 1))
        return figures


def _vote_script(tokens: list[str], slugs: list[str]) -> str:
    quoted = ", ".join(f'"{t}"' for t in tokens)
    options = ", ".join(f'"{s}"' for s in slugs)
    return f"""
local tokens = {{{quoted}}}
local slugs = {{{options}}}
local choices = {{"support", "oppose", "abstain"}}
local n = 0
request = function()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  local slug = slugs[(math.floor(n / #tokens) % #slugs) + 1]
  local choice = choices[(math.floor(n / 7) % 3) + 1]
  local body = '{{"option": "' .. slug .. '", "choice": "' .. choice .. '"}}'
  return wrk.format("POST", "/api/votes/", {{
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
  }}, body)
end
"""


def wrk(base: str, path: str, duration: int, concurrency: int, script: str | None = None):
    command = [
        "wrk",
        "-t1" if concurrency <= 8 else "-t2",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        if script:
            lua.write(script)
    if script:
        command += ["-s", lua.name]
    command.append(base + path)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    return parse_wrk(output)


def _probe(url: str, *args) -> dict | str:
    completed = subprocess.run(
        [sys.executable, "-m", "deliberation.benchmark", "probe", *args],
        cwd=BASE_DIR,
        # The probe counts what a request costs, so it must not be answered from the cache.
        env=_env(url, LOG_LEVEL="WARNING", RESPONSE_CACHE="0"),
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        raise SystemExit(f"probe failed:\n{completed.stderr[-3000:]}")
    return completed.stdout if "--profile" in args else json.loads(completed.stdout)


def _token_users(url: str) -> list[str]:
    """The generated analysts that have an API token (the first ones)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT u.username FROM auth_user u JOIN knox_authtoken t ON t.user_id = u.id "
            "WHERE u.username LIKE 'bench-analyst-%%' ORDER BY u.id LIMIT %s",
            [TOKEN_USERS],
        ).fetchall()
    return [r[0] for r in rows]


def _slugs(url: str, limit: int = 20) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT slug FROM policies_option WHERE status = 'published' ORDER BY id LIMIT %s",
            [limit],
        ).fetchall()
    return [r[0] for r in rows]


def _post(base: str, path: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def hot_row(server: Server, url: str, usernames: list[str]) -> dict:
    """50 analysts vote on the hot option at the same moment, then all change their vote."""
    voter_names = usernames[-50:]
    voters = [bench_token(name) for name in voter_names]
    statuses: list[int] = []
    lock = threading.Lock()
    for choice in ("support", "oppose"):
        barrier = threading.Barrier(len(voters))

        def vote(token, choice=choice, barrier=barrier):
            barrier.wait()
            status = _post(
                server.base, "/api/votes/", token, {"option": HOT_SLUG, "choice": choice}
            )
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=vote, args=(t,)) for t in voters]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with psycopg.connect(url) as conn:
        per_voter = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE v.choice = 'oppose') "
            "FROM deliberation_vote v JOIN policies_option o ON o.id = v.option_id "
            "JOIN auth_user u ON u.id = v.voter_id "
            "WHERE o.slug = %s AND u.username = ANY(%s) GROUP BY v.voter_id",
            [HOT_SLUG, voter_names],
        ).fetchall()
        counts = dict(
            conn.execute(
                "SELECT v.choice, count(*) FROM deliberation_vote v JOIN policies_option o "
                "ON o.id = v.option_id WHERE o.slug = %s GROUP BY v.choice",
                [HOT_SLUG],
            ).fetchall()
        )
    with urllib.request.urlopen(f"{server.base}/api/options/{HOT_SLUG}/", timeout=30) as r:
        tally = json.loads(r.read()).get("tally", {})
    matches = all(tally.get(c) == counts.get(c, 0) for c in ("support", "oppose", "abstain"))
    return {
        "requests": len(statuses),
        "errors": sum(1 for s in statuses if s not in (200, 201)),
        "statuses": sorted(set(statuses)),
        "missing": len(voters) - len(per_voter),
        "duplicates": sum(1 for n, _ in per_voter if n > 1),
        "not_changed": sum(1 for n, oppose in per_voter if oppose != n),
        "tally": tally,
        "rows": counts,
        "tally_matches_rows": matches,
    }


def csv_export(server: Server, url: str, token: str, limit: float) -> dict:
    """Download every vote an analyst may see as CSV, reading for at most `limit` seconds."""
    with psycopg.connect(url) as conn:
        # An analyst sees the votes on published options, not those on drafts.
        expected = conn.execute(
            "SELECT count(*) FROM deliberation_vote v JOIN policies_option o "
            "ON o.id = v.option_id WHERE o.status = 'published'"
        ).fetchone()[0]
    request = urllib.request.Request(
        server.base + "/api/votes/?format=csv", headers={"Authorization": f"Token {token}"}
    )
    started, rows, status = time.perf_counter(), 0, 0
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            status = response.status
            while chunk := response.read(1 << 16):
                rows += chunk.count(b"\n")
                if time.perf_counter() - started > limit:
                    log(f"CSV export: stopped reading after {limit:.0f} s")
                    break
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, http.client.HTTPException) as error:
        log(f"CSV export broke off after {rows:,} rows: {error!r}")
        status = 0
    return {
        "status": status,
        "rows": max(rows - 1, 0),  # the header line
        "expected_rows": expected,
        "seconds": round(time.perf_counter() - started, 1),
        "worker_peak_mb": max(server.memory_mb("VmHWM") or [0]),
    }


def run_dataset(size: str, prepared: dict, port: int, args, logdir: Path, results: dict):
    data = results["datasets"][size]
    url = prepared["url"]
    log(f"{size}: probing queries, plans and search in-process")
    probe = _probe(url)
    data.update({k: v for k, v in probe.items() if k != "deep_page_paths"})
    bad = {n: s for n, s in probe["status"].items() if s >= 400}
    if bad:
        log(f"{size}: scenarios answering with an error status: {bad}")
    usernames, slugs = _token_users(url), _slugs(url)
    tokens = [bench_token(name) for name in usernames]
    with Server(url, port, logdir) as server:
        for scenario in SCENARIOS:
            if args.only and scenario.name not in args.only:
                continue
            script = _vote_script(tokens[:50], slugs) if scenario.method == "POST" else None
            server.drain()
            wrk(server.base, scenario.path, 2, scenario.concurrency, script)  # warm up
            server.drain()
            figures = wrk(server.base, scenario.path, args.duration, scenario.concurrency, script)
            data["scenarios"][scenario.name] = figures
            log(
                f"{size}: {scenario.name}: {figures['rps']:.0f} req/s, "
                f"median {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
                f"{figures['non_2xx']} non-2xx, {figures['socket_errors']} socket errors"
            )
        deep = {}
        for name, paths in probe.get("deep_page_paths", {}).items():
            # Two short runs of each, interleaved, the better median kept: a difference of
            # a millisecond or two is otherwise within the machine's noise.
            runs = {"first": [], "last": []}
            for _ in range(2):
                for which in ("first", "last"):
                    server.drain()
                    runs[which].append(wrk(server.base, paths[which], args.deep_duration, 4))
            first, last = (min(runs[w], key=lambda r: r["p50_ms"]) for w in ("first", "last"))
            deep[name] = {
                "first_p50_ms": first["p50_ms"],
                "last_p50_ms": last["p50_ms"],
                "first_rps": first["rps"],
                "last_rps": last["rps"],
            }
            log(
                f"{size}: {name} page 1 {first['p50_ms']:.1f} ms, page 2000 {last['p50_ms']:.1f} ms"
            )
        data["deep_pages"] = deep
        if size == args.largest:
            server.drain()
            log(f"{size}: 50 concurrent voters on the hot option")
            results["hot_row"] = hot_row(server, url, usernames)
            log(f"{size}: hot row {results['hot_row']}")
            data["worker_rss_mb"] = server.memory_mb()
            log(f"{size}: CSV export of every vote")
            results["csv_export"] = csv_export(server, url, tokens[0], args.csv_limit)
            log(f"{size}: CSV {results['csv_export']}")
        else:
            data["worker_rss_mb"] = server.memory_mb()


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    with psycopg.connect(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "postgresql": pg,
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
    }


DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deliberation.benchmark")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--deep-duration", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep already generated sets")
    parser.add_argument("--prefix", default="bench", help="database name prefix")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--json", default=str(BASE_DIR / "docs" / "performance.json"))
    parser.add_argument("--csv-limit", type=float, default=240, help="seconds")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None)
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    args = parser.parse_args(argv)
    sizes = args.sizes.split(",")
    args.largest = sizes[-1]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    started = time.perf_counter()
    logdir = Path(tempfile.mkdtemp(prefix="deliberation-bench-"))
    log(f"logs in {logdir}")
    _manage("collectstatic", "--noinput", "-v0", env=_env())
    results = {
        "command": "make bench  (python -m deliberation.benchmark "
        + " ".join(argv or sys.argv[1:])
        + ")",
        "machine": machine(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration_per_scenario_s": args.duration,
        "datasets": {},
    }
    prepared = {}
    for size in sizes:
        prepared[size] = prepare(size, server_url, args.prefix, args.reuse)
        results["datasets"][size] = {
            "sizes": asdict(SIZES[size]),
            "scenarios": {},
            **{k: v for k, v in prepared[size].items() if k != "url"},
        }
    # Flush what generating the sets wrote now, rather than in a checkpoint that would
    # land in the middle of the measurements.
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    for n, size in enumerate(sizes):
        run_dataset(size, prepared[size], args.port + n, args, logdir, results)
    if args.profile:
        largest = results["datasets"][args.largest]["scenarios"]
        reads = {n: f for n, f in largest.items() if BY_NAME[n].kind == "read"}
        if reads:
            slowest = min(reads, key=lambda n: reads[n]["rps"])
            log(f"profiling {slowest} on the {args.largest} set")
            text = _probe(prepared[args.largest]["url"], "--profile", slowest)
            results["profile"] = {"scenario": slowest, "text": text}
            (logdir / "profile.txt").write_text(text)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    verdicts = evaluate(results)
    results["verdicts"] = verdicts
    table = render_table(results, verdicts)
    print(table)
    if results.get("profile"):
        print(f"Profile of {results['profile']['scenario']}: {logdir / 'profile.txt'}")
    print(f"Total {results['total_seconds']:.0f} s; figures in {args.json}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 0 if all(v["verdict"] == "MET" for v in verdicts) else 1
