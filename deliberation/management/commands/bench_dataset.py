import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from deliberation.benchmark.dataset import SIZES, generate


class Command(BaseCommand):
    help = (
        "Fill the (migrated, empty) PostgreSQL database with a synthetic deliberation of the "
        "given size, streamed with COPY: --size large is 2,000 options, 5,000 analysts, "
        "200,000 comments, 1,000,000 votes and 50,000 annotations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")

    def handle(self, *args, size, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark data set needs PostgreSQL: set DATABASE_URL.")
        connection.ensure_connection()
        raw = connection.connection
        raw.autocommit = True
        started = time.perf_counter()
        written = generate(raw, SIZES[size])
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = ", ".join(f"{n:,} {table}" for table, n in written.items())
        self.stdout.write(f"Wrote {rows} in {elapsed:.1f} s (peak memory {peak_mb:.0f} MB).")
