import datetime
from decimal import Decimal

import time_machine
from django.urls import reverse

from husly.accounts.models import Role
from husly.followup import services
from husly.housing.models import RentArrears
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 2, 4)


@time_machine.travel(TODAY)
def test_warning_signs_show_to_those_who_may_read_them(client, login, municipality, team,
                                                       make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    resident = ResidentFactory(municipality=municipality, team=team)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2025, 6, 1))
    agreement = services.agreement_create(resident=resident, team=team, primary_contact=worker,
                                          start_date=datetime.date(2026, 1, 12), by=worker)
    services.visit_record(visit=agreement.visits.get(week_start=datetime.date(2026, 1, 12)),
                          status="done", by=worker, neighbour_complaint=True)
    services.health_care_decline(agreement=agreement, on=TODAY, by=worker)

    login(client, nav)
    response = client.post(reverse("housing:arrears_record", args=[resident.pk]),
                           {"amount": "14800", "months_behind": "2"})
    assert response.status_code == 302
    arrears = RentArrears.objects.get()
    assert arrears.category == "nav" and arrears.amount == Decimal("14800")
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "14800" in body
    assert "nabo" not in body.lower()  # follow-up signals need the follow-up category

    login(client, worker)
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "14800" not in body  # NAV's information, no consent
    assert "helsehjelp" in body.lower()
    listing = client.get(reverse("followup:at_risk")).content.decode()
    assert resident.family_name in listing
    assert "2 uker på rad" in listing  # the week of 19 and 26 January had no visit
