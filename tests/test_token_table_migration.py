"""An earlier version kept API tokens in plain text; upgrading removes every one of them."""

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_plain_text_token_table_of_an_earlier_version_is_dropped():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id int)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('9944b09199c62bcf9418ad846dd0e4bb', 1)")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('authtoken', '0001_initial', CURRENT_TIMESTAMP)"
        )
        migration = importlib.import_module(
            "deliberation.migrations.0005_drop_plain_text_api_tokens"
        ).Migration
        for statement in migration.operations[0].sql:
            cursor.execute(statement)
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_upgrade_runs_on_a_database_that_never_had_the_table():
    migration = importlib.import_module(
        "deliberation.migrations.0005_drop_plain_text_api_tokens"
    ).Migration
    with connection.cursor() as cursor:
        for statement in migration.operations[0].sql:
            cursor.execute(statement)
    assert "knox_authtoken" in connection.introspection.table_names()
