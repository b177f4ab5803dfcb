"""Several app servers behind a load balancer: two gunicorn servers on two ports share one
PostgreSQL database and one Redis, and nothing a second server needs stays in process
memory (sessions, votes, throttles).

Needs PostgreSQL (DATABASE_URL=postgres://…) and Redis at 127.0.0.1:6379; skips with the
reason otherwise, except in CI (CI=true), where a missing service is a failure.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PASSWORD = "a-long-serving-password-42"

pytestmark = pytest.mark.postgres


def _missing(reason):
    if IN_CI and "DATABASE_URL" in reason:
        pytest.skip(reason + " (CI runs these in its PostgreSQL pass)")
    if IN_CI:
        pytest.fail(f"CI needs the serving tests: {reason}")
    pytest.skip(reason)


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://…")
    return url


def _redis_available():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_db():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    number = worker[2:]
    return 11 + (int(number) if number.isdigit() else 4)


def _redis_flush(db):
    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as sock:
        sock.sendall(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
        time.sleep(0.05)
        sock.recv(64)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def session(self):
        return requests.Session()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Stack:
    """A database, a Redis database and collected static files for real servers."""

    database_url: str
    database_name: str
    server_params: dict
    redis_url: str
    redis_db: int
    workdir: Path
    servers: list = field(default_factory=list)

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DJANGO_SETTINGS_MODULE="deliberation.settings",
            DEBUG="0",
            SECRET_KEY="serving-test-" + "k" * 50,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            DATABASE_POOL_MAX="16",
            DATABASE_POOL_TIMEOUT="20",
            REDIS_URL=self.redis_url,
            STATIC_ROOT=str(self.workdir / "static"),
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            LOG_LEVEL="WARNING",
            WRITE_RATE_LIMIT="1000/m",
        )
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def python(self, code):
        """Run Django code against the stack's database; return what it prints as JSON."""
        script = "import django, json\ndjango.setup()\n" + code
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def sql(self, query, params=()):
        with psycopg.connect(dbname=self.database_name, **self.server_params) as conn:
            return conn.execute(query, params).fetchall()

    def start_server(self, workers=2, threads=16, **extra_env):
        port = _free_port()
        log = self.workdir / f"gunicorn-{port}.log"
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "deliberation.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.env(**extra_env),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        self.servers.append(server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()[-3000:]}")
            try:
                if requests.get(server.url + "/healthz", timeout=2).status_code == 200:
                    return server
            except requests.RequestException:
                pass
            time.sleep(0.2)
        server.stop()
        pytest.fail(f"gunicorn did not answer in time: {log.read_text()[-3000:]}")

    def stop_servers(self):
        while self.servers:
            self.servers.pop().stop()


def _server_params(url):
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
    }


@pytest.fixture(scope="session")
def serving_stack(tmp_path_factory):
    base_url = _postgres_url()
    if not _redis_available():
        _missing(f"needs Redis at {REDIS_HOST}:{REDIS_PORT} (redis-server)")
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        _missing("gunicorn is not installed in the virtualenv")
    params = _server_params(base_url)
    name = f"deliberation_serving_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))
    db = _redis_db()
    stack = Stack(
        database_url=url,
        database_name=name,
        server_params=params,
        redis_url=f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}",
        redis_db=db,
        workdir=tmp_path_factory.mktemp("serving"),
    )
    try:
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("collectstatic", "--noinput", "-v0")
        yield stack
    finally:
        stack.stop_servers()
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _redis_flush(db)


@pytest.fixture
def stack(serving_stack):
    _redis_flush(serving_stack.redis_db)
    yield serving_stack
    serving_stack.stop_servers()


SEED = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from allauth.account.models import EmailAddress
from deliberation.api.tokens import issue_token
from tests import factories as f

prefix, count, password = {prefix!r}, {count}, {password!r}
User = get_user_model()
analysts = Group.objects.get(name="Analyst")
tokens = {{}}
for n in range(count):
    user = User.objects.create_user(f"{{prefix}}{{n}}", f"{{prefix}}{{n}}@example.org")
    if n == 0:
        user.set_password(password)
        user.save()
    user.groups.add(analysts)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    tokens[user.username] = issue_token(user)[1]
option = f.StrategyFactory(slug=f"{{prefix}}-option", title=f"Option for {{prefix}}")
print(json.dumps({{"tokens": tokens, "option": option.slug}}))
"""


def seed(stack, prefix, count):
    """Create `count` analysts with API tokens (the first also has a password) and an option."""
    return stack.python(SEED.format(prefix=prefix, count=count, password=PASSWORD))


def token_headers(key):
    return {"Authorization": f"Token {key}", "Accept": "application/json"}


def log_in_through_the_form(session, server, username, password):
    session.get(server.url + "/accounts/login/", timeout=10).raise_for_status()
    response = session.post(
        server.url + "/accounts/login/",
        data={
            "login": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": server.url + "/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    assert "sessionid" in session.cookies


def test_login_on_one_server_is_valid_on_the_other(stack):
    data = seed(stack, "login", 1)
    first, second = stack.start_server(), stack.start_server()
    browser = requests.Session()
    log_in_through_the_form(browser, first, "login0", PASSWORD)

    # The same cookies, sent to the other server.
    me = browser.get(second.url + "/api/me/", headers={"Accept": "application/json"}, timeout=10)
    assert me.status_code == 200, me.text[:500]
    assert me.json()["username"] == "login0"
    page = browser.get(second.url + "/", timeout=10)
    assert page.status_code == 200
    assert "login0" in page.text

    stranger = requests.get(
        second.url + "/api/me/", headers={"Accept": "application/json"}, timeout=10
    )
    assert stranger.status_code in (401, 403)
    assert data["tokens"]


def test_vote_cast_on_one_server_is_counted_on_the_other(stack):
    data = seed(stack, "vote", 3)
    first, second = stack.start_server(), stack.start_server()
    (a, b, c) = (data["tokens"][f"vote{n}"] for n in range(3))
    for key, choice, server in (
        (a, "support", first),
        (b, "support", second),
        (c, "oppose", first),
    ):
        response = requests.post(
            server.url + "/api/votes/",
            json={"option": data["option"], "choice": choice},
            headers=token_headers(key),
            timeout=10,
        )
        assert response.status_code in (200, 201), response.text[:500]

    for server in (first, second):
        option = requests.get(
            server.url + f"/api/options/{data['option']}/", headers=token_headers(a), timeout=10
        ).json()
        assert option["tally"]["support"] == 2
        assert option["tally"]["oppose"] == 1
        mine = requests.get(
            server.url + "/api/votes/",
            params={"option": data["option"]},
            headers=token_headers(a),
            timeout=10,
        )
        assert mine.status_code == 200


def test_throttle_counts_requests_across_both_servers(stack):
    seed(stack, "throttle", 1)
    first = stack.start_server(API_ANON_RATE="5/min")
    second = stack.start_server(API_ANON_RATE="5/min")
    statuses = []
    for n in range(8):
        server = (first, second)[n % 2]
        response = requests.get(
            server.url + "/api/options/", headers={"Accept": "application/json"}, timeout=10
        )
        statuses.append(response.status_code)
    # Each server alone saw at most 4 requests: only a shared count reaches the limit.
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    assert "Retry-After" in response.headers


def test_static_files_are_served_with_hashed_names_and_long_caching(stack):
    server = stack.start_server()
    page = requests.get(server.url + "/", timeout=10)
    assert page.status_code == 200
    stylesheet = next(
        line.split('href="')[1].split('"')[0]
        for line in page.text.splitlines()
        if 'rel="stylesheet"' in line
    )
    assert stylesheet.startswith("/static/css/site.")
    assert stylesheet != "/static/css/site.css", "the name carries no content hash"
    css = requests.get(server.url + stylesheet, timeout=10)
    assert css.status_code == 200
    assert "max-age=315360000" in css.headers["Cache-Control"]
