"""Benchmark: the team board for a team following 1,000 residents.

Runs against its own SQLite file (or DATABASE_URL), builds the data with bulk inserts, then
times the board and a minimal page (the login page) in the same run and reports the ratio,
plus the query count. Not part of the test suite.

    .venv/bin/python bench/board.py            # 1,000 residents
    .venv/bin/python bench/board.py 5000
"""

import datetime
import os
import statistics
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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(count: int) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)
    from husly.accounts import services as accounts
    from husly.accounts.models import Role
    from husly.followup.models import FollowUpAgreement, Visit
    from husly.housing.models import Dwelling, Tenancy
    from husly.people.models import Resident

    municipality = accounts.municipality_create(number="9998", name="Benk kommune")
    unit = accounts.unit_create(municipality=municipality, name="Oppfølging", kind="followup")
    team = accounts.team_create(municipality=municipality, name="Stort team")
    members = []
    for i in range(12):
        user = accounts.staff_create(username=f"m{i}", first_name="M", last_name=str(i),
                                     password="benk-passord-123456")
        accounts.role_assign(user=user, municipality=municipality, role=Role.FOLLOWUP_WORKER,
                             unit=unit)
        accounts.team_member_add(team=team, user=user, is_leader=i == 0)
        members.append(user)
    today = timezone.localdate()
    residents = Resident.objects.bulk_create([
        Resident(municipality=municipality, given_name=f"B{i}", family_name="Beboer",
                 housing_situation="municipal_tenancy", housing_situation_since=today,
                 team=team, primary_contact=members[i % 12]) for i in range(count)])
    dwellings = Dwelling.objects.bulk_create([
        Dwelling(municipality=municipality, street_address=f"Gate {i}", postal_code="4306",
                 postal_place="By", gnr=1, bnr=i + 1, kind="transitional", rooms=2,
                 area_m2=40) for i in range(count)])
    tenancies = Tenancy.objects.bulk_create([
        Tenancy(municipality=municipality, dwelling=d, start_date=today, monthly_rent=7000)
        for d in dwellings])
    Tenancy.residents.through.objects.bulk_create([
        Tenancy.residents.through(tenancy=t, resident=r) for t, r in zip(tenancies, residents,
                                                                         strict=True)])
    agreements = FollowUpAgreement.objects.bulk_create([
        FollowUpAgreement(municipality=municipality, resident=r, tenancy=t, team=team,
                          primary_contact=members[i % 12], start_date=today,
                          visit_weekday=today.weekday() % 5)
        for i, (r, t) in enumerate(zip(residents, tenancies, strict=True))])
    monday = today - datetime.timedelta(days=today.weekday())
    Visit.objects.bulk_create([
        Visit(municipality=municipality, agreement=a, week_start=monday, planned_on=today,
              assigned_to_id=a.primary_contact_id) for a in agreements[: count // 5]])

    # As in Django's tests: keep one connection across requests so queries can be counted.
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(members[0])

    def timed(url, runs=15):
        client.get(url)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(samples)

    board_url = f"/tavle/{team.pk}/"
    client.get(board_url)
    queries = []

    def counting(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(counting):
        assert client.get(board_url).status_code == 200
    minimal = timed("/konto/logg-inn/")
    board = timed(board_url)
    print(f"residents={count} visits_today={count // 5} database={connection.vendor}")
    print(f"minimal page (login): {minimal * 1000:.1f} ms median")
    print(f"team board:           {board * 1000:.1f} ms median, {len(queries)} queries")
    print(f"ratio board/minimal:  {board / minimal:.1f}")
    if "--queries" in sys.argv:
        for seconds, sql in sorted(queries, reverse=True)[:5]:
            print(f"{seconds * 1000:8.1f} ms  {sql[:160]}")


if __name__ == "__main__":
    sizes = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(sizes[0]) if sizes else 1000)
