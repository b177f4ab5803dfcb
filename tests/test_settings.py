"""Production settings: the deploy checks pass, a missing key refuses to start, and the
database options follow DATABASE_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x9Qz7-Lp2Wm8-Rt5Yv" * 4,
    "ALLOWED_HOSTS": "deliberation.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_python(code_or_args, env_overrides, drop=()):
    # Browser tests in the same process allow sync database calls; deployments must not.
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "deliberation.settings"
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_as_json(env_overrides, expression, drop=()):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({expression}, default=str))"
    )
    result = run_python(code, env_overrides, drop)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_checks_pass_under_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_site_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_python(
        ["manage.py", "check"],
        {"DEBUG": "0", "ALLOWED_HOSTS": "x.example.org"},
        drop=["SECRET_KEY"],
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "name, value",
    [
        ("API_TOKEN_TTL_DAYS", "0"),
        ("API_TOKENS_PER_ACCOUNT", "-1"),
        ("API_TOKEN_TTL_DAYS", "a week"),
    ],
)
def test_token_settings_below_one_refuse_to_start_with_a_clear_message(name, value):
    result = run_python(["manage.py", "check"], {"DEBUG": "1", name: value})
    assert result.returncode != 0
    assert f"{name} must be a whole number of at least 1" in result.stderr


def test_manage_py_in_a_bare_checkout_runs_in_development_mode():
    result = run_python(
        ["manage.py", "makemigrations", "--check", "--dry-run"], {}, drop=["DEBUG", "SECRET_KEY"]
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_server_in_a_bare_checkout_refuses_to_start_without_secret_key():
    result = run_python(
        "import deliberation.wsgi", {"ALLOWED_HOSTS": "x.example.org"}, drop=["DEBUG", "SECRET_KEY"]
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_turn_on_secure_cookies_hsts_and_https():
    values = settings_as_json(
        PRODUCTION_ENV,
        "[s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG, s.STORAGES['staticfiles']['BACKEND']]",
    )
    assert values[:5] == [True, True, 31536000, True, False]
    assert values[5] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_sqlite_uses_wal_and_immediate_transactions():
    options = settings_as_json(
        {"DEBUG": "1", "DATABASE_URL": "sqlite:///tmp-settings-test.sqlite3"},
        "s.DATABASES['default']['OPTIONS']",
    )
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_turns_on_the_connection_pool():
    database = settings_as_json(PRODUCTION_ENV, "s.DATABASES['default']")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["OPTIONS"]["pool"]["max_size"] >= 1
    assert database["CONN_MAX_AGE"] == 0


def test_redis_url_puts_cache_and_sessions_in_redis():
    values = settings_as_json(PRODUCTION_ENV, "[s.CACHES['default']['BACKEND'], s.SESSION_ENGINE]")
    assert values == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_without_redis_the_cache_is_local_memory():
    values = settings_as_json({**PRODUCTION_ENV, "REDIS_URL": ""}, "s.CACHES['default']['BACKEND']")
    assert values == "django.core.cache.backends.locmem.LocMemCache"


def test_sqlite_connections_really_run_in_wal_mode(tmp_path):
    database = tmp_path / "wal.sqlite3"
    mode = settings_as_json(
        {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"},
        "__import__('django.db').db.connection.cursor().execute('PRAGMA journal_mode')"
        ".fetchone()[0]",
    )
    assert mode == "wal"


def test_with_debug_on_and_no_secret_key_a_development_key_is_used():
    key = settings_as_json({"DEBUG": "1"}, "s.SECRET_KEY", drop=["SECRET_KEY"])
    assert key.startswith("django-insecure-")


def test_without_a_database_url_the_site_uses_a_sqlite_file_in_the_project():
    database = settings_as_json({"DEBUG": "1"}, "s.DATABASES['default']", drop=["DATABASE_URL"])
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(ROOT / "db.sqlite3")
