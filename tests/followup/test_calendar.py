import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from husly.accounts.models import Role
from husly.followup import services
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 1, 7)


@time_machine.travel(TODAY)
def test_the_feed_has_visits_but_no_health_data_and_no_protected_address(
    client, login, municipality, team, make_staff
):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    open_resident = ResidentFactory(municipality=municipality, team=team, family_name="Åpen")
    hidden = ResidentFactory(municipality=municipality, team=team, family_name="Skjermet",
                             protected_address="strengt_fortrolig")
    for resident, street in ((open_resident, "Solgata 1"), (hidden, "Hemmeligveien 2")):
        TenancyFactory(dwelling=DwellingFactory(municipality=municipality, street_address=street),
                       residents=[resident], start_date=datetime.date(2025, 12, 1))
        agreement = services.agreement_create(resident=resident, team=team,
                                              primary_contact=worker, start_date=TODAY,
                                              by=worker)
        services.visit_record(visit=agreement.visits.first(), status="done", by=worker,
                              note_text="Ny medisin mot angst", note_category="health")
    login(client, worker)
    client.post(reverse("followup:calendar_feed_manage"), {"action": "renew"})
    token = worker.calendar_feeds.get(revoked_at__isnull=True).token
    # The address is shown in the page body, never in the <title> (which tabs and history keep)
    page = client.get(reverse("followup:my_week")).content.decode()
    title = page[page.index("<title>"):page.index("</title>")]
    assert token in page and token not in title and "calendar-heading" not in title
    feed = Client().get(reverse("followup:calendar_feed", args=[token]))  # no session
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VEVENT" in body and "Åpen" in body and "Solgata 1" in body
    assert "Skjermet" not in body and "Hemmeligveien" not in body
    assert "medisin" not in body and "angst" not in body
    client.post(reverse("followup:calendar_feed_manage"), {"action": "revoke"})
    assert Client().get(reverse("followup:calendar_feed", args=[token])).status_code == 404



def test_managing_the_feed_needs_two_factor(client, municipality, team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    client.force_login(worker)  # password only, no second factor
    response = client.post(reverse("followup:calendar_feed_manage"), {"action": "renew"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert not worker.calendar_feeds.exists()
