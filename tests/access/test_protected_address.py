"""A resident with a protected address is never tied to that address for staff who are not
cleared: not on any page, list, export, letter, calendar feed or API answer. The test walks
every page reachable from the menu and the resident's own pages, as every role."""

import datetime
import json
from collections import deque

import pytest
from django.urls import reverse
from django.utils import timezone

from husly.access.letters import data_copy_html
from husly.access.policy import staff_context_for
from husly.accounts.models import Role
from husly.followup import services as followup
from husly.housing.services import work_order_create
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

NAME = "Sigrun Skjermet"
STREET = "Hemmelighetsveien 7"
SKIP = ("/konto/logg-ut", "/static/", "/i18n/", "/konto/tofaktor", "/admin/")
MAX_PAGES = 400


@pytest.fixture
def hidden(municipality, team, make_staff):
    users = {
        "worker": make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo", health=True),
        "officer": make_staff(Role.HOUSING_OFFICER, team=team, username="bolig"),
        "nav": make_staff(Role.NAV_COUNSELLOR, team=team, username="nav"),
        "leader": make_staff(Role.TEAM_LEADER, team=team, username="leder"),
        "caretaker": make_staff(Role.CARETAKER, team=team, username="vaktmester"),
        "property": make_staff(Role.PROPERTY_MANAGER, username="eiendom"),
        "cleared": make_staff(Role.HOUSING_OFFICER, team=team, username="klarert",
                              cleared=True),
    }
    given, family = NAME.split()
    resident = ResidentFactory(municipality=municipality, team=team, given_name=given,
                               family_name=family, protected_address="strengt_fortrolig",
                               primary_contact=users["worker"], phone="40000001")
    dwelling = DwellingFactory(municipality=municipality, street_address=STREET)
    start = timezone.localdate() - datetime.timedelta(days=60)
    tenancy = TenancyFactory(dwelling=dwelling, residents=[resident], start_date=start)
    followup.agreement_create(resident=resident, team=team, primary_contact=users["worker"],
                              start_date=start, by=None)
    work_order_create(dwelling=dwelling, kind="repair", description="Lekk kran",
                      due_on=timezone.localdate(), by=None, resident=resident)
    feed = followup.calendar_feed_renew(user=users["worker"])
    return {"users": users, "resident": resident, "dwelling": dwelling, "tenancy": tenancy,
            "feed": feed}


def _links(body: str) -> list[str]:
    import re

    return [h for h in re.findall(r'href="(/[^"#]*)"', body) if not h.startswith(SKIP)]


def crawl(client, starts):
    """Every page reachable from `starts`, with its body (PDFs are checked as HTML apart)."""
    seen, queue, pages = set(), deque(starts), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft().replace("&amp;", "&")
        if url in seen or ".pdf" in url:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        body = response.content.decode("utf-8", "replace")
        pages[url] = body
        if response["Content-Type"].startswith("text/html"):
            queue.extend(_links(body))
    return pages


def _starts(hidden):
    resident, dwelling = hidden["resident"], hidden["dwelling"]
    return ["/", reverse("people:resident_detail", args=[resident.pk]),
            reverse("housing:dwelling_detail", args=[dwelling.pk]),
            reverse("access:data_copy_json", args=[resident.pk]),
            reverse("api:visits"), reverse("api:work_orders"), reverse("api:applications"),
            reverse("api:agreement", args=[resident.pk])]


@pytest.mark.parametrize("who", ["worker", "officer", "nav", "leader", "caretaker",
                                 "property"])
def test_no_page_ties_the_person_to_the_protected_address(client, login, hidden, who):
    login(client, hidden["users"][who])
    client.post(reverse("people:resident_list"), {"q": ""})
    pages = crawl(client, _starts(hidden))
    assert len(pages) > 5
    exposed = [url for url, body in pages.items() if NAME.split()[1] in body and STREET in body]
    assert not exposed, f"{who} sees name and address together on {exposed}"


def test_the_calendar_feed_has_neither_name_nor_address(client, hidden):
    body = client.get(reverse("followup:calendar_feed",
                              args=[hidden["feed"].token])).content.decode()
    assert "BEGIN:VEVENT" in body
    assert STREET not in body and NAME.split()[1] not in body


def test_letters_and_the_copy_hide_the_address_from_staff_not_cleared(hidden):
    resident = hidden["resident"]
    from husly.access.innsyn import data_copy

    for who, shown in (("officer", False), ("cleared", True)):
        staff = staff_context_for(hidden["users"][who], None)
        html = data_copy_html(copy=data_copy(staff=staff, resident=resident), staff=staff,
                              language="nb")
        assert (STREET in html) is shown, who


def test_the_walk_would_see_an_exposure(client, login, hidden):
    """The control: a cleared officer does see the address with the name."""
    login(client, hidden["users"]["cleared"])
    pages = crawl(client, [reverse("people:resident_detail", args=[hidden["resident"].pk])])
    assert any(NAME.split()[1] in body and STREET in body for body in pages.values())


def test_the_api_answers_leave_the_address_out(client, login, hidden):
    login(client, hidden["users"]["worker"])
    start = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    end = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    visits = json.loads(client.get(reverse("api:visits") + f"?start={start}&end={end}").content)
    assert visits, "the worker has planned visits"
    assert STREET not in json.dumps(visits, ensure_ascii=False)
