"""Restore a backup made by backup_database, replacing what the database holds."""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ._database import postgres_command


class Command(BaseCommand):
    help = "Restore the whole database from a file written by backup_database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database="default", **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No backup file at {source}")
        connection = connections[database]
        vendor = connection.vendor
        if vendor == "postgresql":
            connection.close()
            # One transaction: a restore that fails half-way leaves the database as it was.
            postgres_command(
                connection.settings_dict,
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    str(source),
                ],
                database_flag=True,
            )
        elif vendor == "sqlite":
            with open(source, "rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise CommandError(f"{source} is not a SQLite backup")
            connection.ensure_connection()
            backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                backup.backup(connection.connection)
            finally:
                backup.close()
        else:
            raise CommandError(f"Restoring {vendor} databases is not supported.")
        self.stdout.write(f"Restored the {vendor} database from {source}")
