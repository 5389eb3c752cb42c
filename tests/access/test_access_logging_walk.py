"""Access logging by construction (issue 18): every URL of the project is requested by every
role that may open it, in the access matrix's world, and each response that names a resident
must have written the access-log row (one resident's information) or the list-read row (a
page or export naming residents) for every resident it names. A page that returns person
data and logs nothing fails; so does a page on the exemption list that starts naming people.

The URLs are the access matrix's EXPECTED, which the matrix keeps complete (a URL without a
rule there fails). A resident is "named" when their given name appears in the response: the
world's residents are Kari<n> Nordmann, so "Kari3" is told from "Kari31". All names here are
synthetic."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from husly.access.models import AccessListReadResident, AccessLogEntry
from husly.accounts.models import Role
from husly.board.services import red_board_put
from husly.housing.models import Landlord
from husly.housing.services import private_lease_register
from husly.outcomes.services import homelessness_situation_changed
from husly.people.models import HousingSituation, Resident
from tests.access.test_matrix import (  # noqa: F401 - `world` is the matrix's world fixture
    API_PAGE_KINDS,
    EXPECTED,
    all_url_names,
    world,
)
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

# Page kinds (policy.PAGE_ROLES) whose rule says they show no person data: figures with
# counts only, settings, method texts, cost sharing, imports (which never repeat a cell),
# integration tokens, registers of things rather than people, and one's own account. Not
# "public": the calendar feed is public, its token the credential, and it names residents.
NO_PERSON_DATA_KINDS = {
    "signed_in", "outcomes", "outcomes_manage", "fidelity", "fidelity_manage",
    "guidance", "guidance_manage", "cost_sharing", "cost_sharing_manage", "integrations",
    "imports", "imports_dwellings", "imports_residents", "imports_tenancies", "retention",
    "allocation_settings", "dwelling_register", "landlords_manage",
}

# Pages of other kinds that show no resident: the walk checks that they name nobody.
NO_PERSON_DATA = {
    "set_language",  # Django's own view, no page kind
    "home", "health", "accounts:login", "accounts:otp_verify",  # before and beside signing in
    "people:resident_create",  # an empty form; its choosers list staff, not residents
    "housing:dwelling_list",  # addresses and states; tenants only on a dwelling's page
    "housing:tenancy_end",  # the dwelling and the end form
    # Landlords, not residents (the GET of the API's create is its list).
    "housing:landlord_list", "api:landlords", "api:landlord_create", "api:landlord",
    "housing:work_order_list",  # the dwelling and the job; the name is on the order
    "housing:work_order_photo_file",  # a photo of the dwelling
    # Without a visit: the dwelling only (from a visit it reads, and logs, the resident).
    "housing:work_order_create",
    "board:home",  # the user's teams
    "forum:meeting_list", "forum:meeting_create", "forum:meeting_edit",  # times and places
    "api:tasks",  # the task, its unit and deadline; no applicant name
    # The APIs' descriptions.
    "api:openapi-json", "api:openapi-view", "integration:openapi-json",
    "integration:openapi-view",
}

# Lists that are also downloads: the URL with these query strings is walked too.
EXPORTS = {
    "outcomes:by_name_list": ["eksport=csv", "eksport=xlsx"],
    "outcomes:flow_people": ["eksport=csv"],
    "outcomes:figure_people": ["eksport=csv"],
    "financing:list": ["eksport=csv"],
}

ROLES = list(Role.values)


def _named(body: str, residents) -> set[int]:
    return {pk for pk, given in residents
            if re.search(rf"(?<!\w){re.escape(given)}(?!\w)", body)}


def _logged_since(marks) -> set[int]:
    single, listed = marks
    return (set(AccessLogEntry.objects.filter(pk__gt=single).values_list("resident_id", flat=True))
            | set(AccessListReadResident.objects.filter(pk__gt=listed)
                  .values_list("resident_id", flat=True)))


def _logged_twice(marks) -> list:
    """Reads one request logged more than once: the same resident, page and basis."""
    rows = list(AccessLogEntry.objects.filter(pk__gt=marks[0])
                .values_list("resident_id", "view", "basis"))
    return sorted({row for row in rows if rows.count(row) > 1})


def _marks():
    return (AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            AccessListReadResident.objects.order_by("-pk").values_list("pk", flat=True)
            .first() or 0)


def _body(response) -> str:
    if response.get("Content-Type", "").startswith(("application/pdf", "application/vnd")):
        return ""  # binary: the log rows are checked, not the names
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def walk_world(world, municipality, team):  # noqa: F811
    """The matrix's world with a row in each list that is empty there: someone on the red
    board, housed without an agreement, without a home since today (the by-name list and
    this month's inflow), and renting from a private landlord."""
    users = world["users"]
    related = Resident.objects.get(pk=world["args"]["related_resident"]["own"][0])
    red_board_put(team=team, resident=related, reason="Trenger tett oppfølging",
                  by=users[Role.TEAM_LEADER])
    housed = ResidentFactory(municipality=municipality, team=team)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[housed])
    today = timezone.localdate()
    homeless = ResidentFactory(municipality=municipality, team=team,
                               housing_situation_since=today)
    # The list follows the registration's event; said here too, so the row is there now.
    homelessness_situation_changed(resident=homeless, on=today,
                                   situation=HousingSituation.SHELTER_TEMPORARY)
    private_lease_register(
        landlord=Landlord.objects.get(pk=world["args"]["landlord"]["own"][0]),
        resident=ResidentFactory(municipality=municipality, team=team),
        street_address="Privatveien 2", postal_code="4306", postal_place="Sandnes",
        monthly_rent=Decimal("9000"), start_date=today - datetime.timedelta(days=1),
        by=users[Role.HOUSING_OFFICER])
    return world


def _exempt(name, callbacks) -> bool:
    kind = API_PAGE_KINDS.get(name) or getattr(callbacks.get(name), "husly_page", None)
    return name in NO_PERSON_DATA or kind in NO_PERSON_DATA_KINDS


def test_every_page_that_names_a_resident_logs_the_read(client, login, walk_world):
    args, users = walk_world["args"], walk_world["users"]
    callbacks = dict(all_url_names())
    residents = list(Resident.objects.values_list("pk", "given_name"))
    failures = []
    for name, (kind, expected) in EXPECTED.items():
        readers = [role for role in ROLES if expected[role] == 200]
        if not readers:
            continue  # POST only, a redirect, or refused to everyone: nothing is shown
        url = reverse(name, args=args[kind]["own"])
        for target in [url, *[f"{url}?{query}" for query in EXPORTS.get(name, [])]]:
            logged_any = named_any = False
            for role in readers:
                login(client, users[role])
                marks = _marks()
                response = client.get(target)
                if response.status_code != 200:
                    continue
                logged = _logged_since(marks)
                named = _named(_body(response), residents)
                logged_any |= bool(logged)
                named_any |= bool(named)
                if named - logged:
                    failures.append(f"{target} as {role}: names {sorted(named - logged)} "
                                    "without logging them")
                if twice := _logged_twice(marks):
                    failures.append(f"{target} as {role}: logged twice {twice}")
            if _exempt(name, callbacks):
                if named_any or logged_any:
                    failures.append(f"{target} is exempt as showing no person data, but "
                                    "names or logs residents")
            elif not logged_any:
                failures.append(f"{target}: no role's request wrote an access-log or list-read "
                                "row (exempt it if it shows no person data)")
    assert not failures, "\n".join(failures)
