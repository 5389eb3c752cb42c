"""Generate a scale data set (tiny, demo, city or national) for the benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from husly.common.models import Municipality
from husly.demo.scale import SCALES, Generator


class Command(BaseCommand):
    help = "Generates the benchmark data set of the given scale into the configured database."

    def add_arguments(self, parser):
        parser.add_argument("scale", choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--first-number", type=int, default=3001,
                            help="Municipality number of the first (largest) municipality.")

    def handle(self, *args, scale, seed, first_number, **options):
        if Municipality.objects.filter(number=f"{first_number:04d}").exists():
            raise CommandError(
                f"Municipality {first_number:04d} exists already: generate into an empty "
                "database, or choose another --first-number.")
        started = time.perf_counter()

        def progress(done, total):
            if total > 1 and (done % 25 == 0 or done == total):
                self.stdout.write(f"  {done}/{total} municipalities "
                                  f"({time.perf_counter() - started:.0f} s)")

        generator = Generator(SCALES[scale], today=timezone.localdate(), seed=seed,
                              first_number=first_number)
        summary = generator.run(progress=progress)
        loaded = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("SELECT pg_database_size(current_database())")
                size = cursor.fetchone()[0]
        else:
            size = None
        total = time.perf_counter() - started
        rows = summary["rows"]
        self.stdout.write(f"scale {scale}: {len(summary['municipalities'])} municipalities, "
                          f"{rows['dwelling']:,} dwellings, {rows['resident']:,} persons, "
                          f"{rows['visit']:,} visits, {rows['access']:,} access-log rows, "
                          f"{sum(rows.values()):,} rows in all")
        self.stdout.write(f"loaded in {loaded:.1f} s, {total:.1f} s with ANALYZE"
                          + (f"; database size {size / 2**20:,.0f} MiB" if size else ""))
        self.stdout.write("largest municipality: " + summary["municipalities"][0]["number"]
                          + "; logins <number>-bolig-1, -miljo-1, -leder-1, -analytiker-1")
