"""Write a backup of the whole database to one file.

PostgreSQL: pg_dump in its custom format (restore with pg_restore). SQLite: a consistent
copy made with SQLite's online backup API, safe while the site is running.
"""

import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from ._database import postgres_command


class Command(BaseCommand):
    help = "Back up the whole database (pg_dump on PostgreSQL, a consistent copy on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: backups/<time>.*)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        connection = connections[database]
        vendor = connection.vendor
        if vendor not in {"postgresql", "sqlite"}:
            raise CommandError(f"Backups of {vendor} databases are not supported.")
        if output is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            suffix = "dump" if vendor == "postgresql" else "sqlite3"
            output = Path(settings.BASE_DIR) / "backups" / f"deliberation-{stamp}.{suffix}"
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)

        if vendor == "postgresql":
            postgres_command(
                connection.settings_dict,
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(output)],
            )
        else:
            connection.ensure_connection()
            partial = output.with_name(output.name + ".partial")
            partial.unlink(missing_ok=True)
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            partial.replace(output)
        self.stdout.write(f"Backed up the {vendor} database to {output}")
