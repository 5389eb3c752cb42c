"""Benchmark: the resident's access-log letter and copy of their data for a resident followed
for five years (weekly visits, daily reads), against its own SQLite file (or DATABASE_URL).

    .venv/bin/python bench/rights.py          # 5 years
    .venv/bin/python bench/rights.py 10
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("HUSLY_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from husly.access.innsyn import data_copy  # noqa: E402
from husly.access.letters import access_log_letter_html, data_copy_html  # noqa: E402
from husly.access.models import AccessLogEntry  # noqa: E402
from husly.access.policy import resident_access, staff_context_for  # noqa: E402
from husly.accounts import services as accounts  # noqa: E402
from husly.accounts.models import Role, UnitKind  # noqa: E402
from husly.common.documents import pdf_from_html  # noqa: E402
from husly.followup.models import Visit  # noqa: E402
from husly.followup.services import agreement_create  # noqa: E402
from husly.housing.services import dwelling_register, tenancy_register  # noqa: E402
from husly.people.services import resident_register  # noqa: E402


def build(years: int):
    call_command("migrate", verbosity=0)
    municipality = accounts.municipality_create(number="9998", name="Benk")
    unit = accounts.unit_create(municipality=municipality, name="Mestring",
                                kind=UnitKind.FOLLOWUP)
    team = accounts.team_create(municipality=municipality, name="Team")
    worker = accounts.staff_create(username="miljo", first_name="M", last_name="W",
                                   password=None, is_health_personnel=True)
    accounts.role_assign(user=worker, municipality=municipality, role=Role.FOLLOWUP_WORKER,
                         unit=unit)
    accounts.team_member_add(team=team, user=worker)
    start = timezone.localdate() - datetime.timedelta(days=365 * years)
    resident = resident_register(municipality=municipality, by=None, given_name="Kari",
                                 family_name="Benk", housing_situation="municipal_tenancy",
                                 housing_situation_since=start, team=team,
                                 primary_contact=worker)
    dwelling = dwelling_register(municipality=municipality, by=None, street_address="Vei 1",
                                 postal_code="4306", postal_place="Sandnes",
                                 bruksenhetsnummer="H0101", matrikkel="1/1",
                                 kind="transitional", rooms=2, area_m2=40)
    tenancy = tenancy_register(dwelling=dwelling, residents=[resident], start_date=start,
                               monthly_rent=7000, by=None)
    agreement = agreement_create(resident=resident, team=team, primary_contact=worker,
                                 start_date=start, by=None)
    weeks = [start + datetime.timedelta(weeks=w) for w in range(52 * years)]
    Visit.objects.bulk_create([
        Visit(municipality=municipality, agreement=agreement, week_start=w, planned_on=w,
              assigned_to=worker, status="done") for w in weeks
        if not Visit.objects.filter(agreement=agreement, week_start=w).exists()],
        ignore_conflicts=True)
    staff = staff_context_for(worker, municipality.pk)
    access = resident_access(staff, resident)
    now = timezone.now()
    AccessLogEntry.objects.bulk_create([
        AccessLogEntry(municipality=municipality, user=worker, resident=resident, unit=unit,
                       accessed_at=now - datetime.timedelta(days=d, hours=h),
                       categories="followup,health", basis=access.basis, view="bench")
        for d in range(365 * years) for h in (0, 3)])
    return staff, resident, tenancy


def timed(label, func):
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - t0
    print(f"{label:40s} {elapsed * 1000:9.1f} ms  {len(queries):4d} queries")
    return result


def main():
    years = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    staff, resident, _tenancy = build(years)
    print(f"{years} years: {AccessLogEntry.objects.count()} reads, "
          f"{Visit.objects.count()} visits")
    html = timed("access-log letter (HTML)",
                 lambda: access_log_letter_html(resident=resident, staff=staff, language="nb"))
    timed("access-log letter (PDF)", lambda: pdf_from_html(html))
    copy = timed("copy of the data (collect)", lambda: data_copy(staff=staff, resident=resident))
    html = timed("copy of the data (HTML)",
                 lambda: data_copy_html(copy=copy, staff=staff, language="nb"))
    timed("copy of the data (PDF)", lambda: pdf_from_html(html))


if __name__ == "__main__":
    main()
