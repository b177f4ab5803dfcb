"""Backups: a backup restored into an empty database holds every option, comment, vote
and annotation unchanged, on SQLite and on PostgreSQL."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

# Compared through Django's own serialiser, so both sides read values the same way.
DUMPED = ["auth", "policies", "deliberation"]


@pytest.fixture
def deliberation(transactional_db, django_db_serialized_rollback):
    """A small but complete deliberation, committed so another process can read it."""
    ana = f.UserFactory(username="ana")
    oscar = f.UserFactory(username="oscar")
    strategy = f.StrategyFactory(
        title="Secondary sanctions on shipping — «phase 2»", slug="backup-strategy"
    )
    initiative = f.InitiativeFactory(slug="backup-initiative")
    sanction = f.SanctionTypeFactory(slug="backup-sanction")
    root = f.CommentFactory(option=strategy, author=ana, body="Ports matter 🚢.")
    f.CommentFactory(option=strategy, author=oscar, parent=root, body="Which ports?")
    f.EndorsementFactory(comment=root, user=oscar)
    for option in (strategy, initiative, sanction):
        f.VoteFactory(option=option, voter=ana, choice="support")
        f.VoteFactory(option=option, voter=oscar, choice="oppose")
    f.AnnotationFactory(option=strategy, author=ana, start=6, end=14, body="Which sectors?")
    f.AnnotationFactory(option=sanction, author=oscar, visibility="private")
    return strategy


def current_data():
    out = io.StringIO()
    call_command("dumpdata", *DUMPED, format="json", stdout=out)
    return json.loads(out.getvalue())


def subprocess_manage(args, database_url):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def restore_and_read(backup, database_url):
    subprocess_manage(["restore_database", str(backup)], database_url)
    return json.loads(subprocess_manage(["dumpdata", *DUMPED, "--format", "json"], database_url))


def assert_same_deliberation(restored, expected):
    models = {entry["model"] for entry in expected}
    for needed in ("policies.option", "deliberation.comment", "deliberation.vote"):
        assert needed in models
    assert "deliberation.annotation" in models
    assert restored == expected


def test_sqlite_backup_restores_into_an_empty_database_unchanged(deliberation, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("this part is for SQLite; the PostgreSQL part runs below")
    expected = current_data()
    backup = tmp_path / "site.sqlite3"
    call_command("backup_database", output=str(backup))

    empty = tmp_path / "empty.sqlite3"
    assert not empty.exists()
    assert_same_deliberation(restore_and_read(backup, f"sqlite:///{empty}"), expected)


@pytest.mark.postgres
def test_postgres_backup_restores_into_an_empty_database_unchanged(deliberation, tmp_path):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL: run with DATABASE_URL=postgres://…"
        if IN_CI:
            pytest.skip(reason + " (CI runs it in the PostgreSQL pass)")
        pytest.skip(reason)
    expected = current_data()
    backup = tmp_path / "site.dump"
    call_command("backup_database", output=str(backup))
    assert backup.read_bytes().startswith(b"PGDMP")

    settings_dict = connection.settings_dict
    server = {
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
    }
    empty_name = f"deliberation_restore_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{empty_name}"')
        admin.execute(f'CREATE DATABASE "{empty_name}"')
    try:
        password = f":{server['password']}" if server["password"] else ""
        url = (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{empty_name}"
        )
        assert_same_deliberation(restore_and_read(backup, url), expected)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{empty_name}" WITH (FORCE)')


def test_restore_refuses_a_missing_or_foreign_file_and_changes_nothing(deliberation, tmp_path):
    before = current_data()
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_database", str(tmp_path / "nothing-here.dump"))
    junk = tmp_path / "notes.txt"
    junk.write_text("this is not a database backup\n" * 10)
    with pytest.raises(CommandError):
        call_command("restore_database", str(junk))
    assert current_data() == before


def test_backup_without_output_writes_a_timestamped_file_in_backups(
    deliberation, tmp_path, settings
):
    settings.BASE_DIR = tmp_path
    call_command("backup_database")
    written = list((tmp_path / "backups").iterdir())
    assert len(written) == 1
    assert written[0].name.startswith("deliberation-")
    assert written[0].stat().st_size > 0
