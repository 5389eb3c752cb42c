"""The API for other systems: token, operation, municipality, validation, idempotency, logs
and the rate limit, each able to refuse."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from husly.access.models import AccessLogEntry
from husly.access.policy import staff_context_for
from husly.accounts.models import Role
from husly.followup.risk import risk_signals
from husly.housing.models import RentArrears
from husly.integrations.models import IntegrationCall
from husly.integrations.services import integration_token_revoke
from tests.conftest import verified_login
from tests.factories import (
    DwellingFactory,
    ResidentFactory,
    TenancyFactory,
    national_id,
    staff_make,
)
from tests.integrations.helpers import bearer, token_make

pytestmark = pytest.mark.django_db

ARREARS = "/api/v1/integrasjon/husleierestanser"
VACANT = "/api/v1/integrasjon/ledige-boliger"


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(municipality, other_municipality, team):
    tenant = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                             family_name="Leietaker", phone="41234567")
    let = DwellingFactory(municipality=municipality, street_address="Storgata 1")
    tenancy = TenancyFactory(dwelling=let, residents=[tenant],
                             start_date=datetime.date(2024, 3, 1))
    foreign = ResidentFactory(municipality=other_municipality, given_name="Ola",
                              family_name="Stord")
    foreign_let = DwellingFactory(municipality=other_municipality, street_address="Fjordvegen 2")
    TenancyFactory(dwelling=foreign_let, residents=[foreign],
                   start_date=datetime.date(2024, 3, 1))
    vacant = [DwellingFactory(municipality=municipality, street_address=f"Ledig vei {n}")
              for n in range(3)]
    foreign_vacant = DwellingFactory(municipality=other_municipality,
                                     street_address="Stord ledig 9")
    token, secret = token_make(municipality)
    return {"tenant": tenant, "tenancy": tenancy, "foreign": foreign, "vacant": vacant,
            "foreign_vacant": foreign_vacant, "token": token, "secret": secret}


def line(resident, *, amount=15600, months=2, as_of=None):
    return {"national_id": resident.national_id, "amount": amount, "months_behind": months,
            "as_of": (as_of or timezone.localdate()).isoformat()}


def report(secret, lines, client=None, *, complete=None, **headers):
    client = client or Client()
    data = {"lines": lines} if complete is None else {"lines": lines, "complete": complete}
    return client.post(ARREARS, data=data, content_type="application/json",
                       **bearer(secret), **headers)


# --- Tokens: missing, malformed, unknown, revoked, expired --------------------------------

@pytest.mark.parametrize(("header", "says"), [
    ({}, "Authorization: Bearer husly_"),
    ({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, "Authorization: Bearer husly_"),
    ({"HTTP_AUTHORIZATION": "Bearer not-a-husly-token"}, "starter med husly_"),
    ({"HTTP_AUTHORIZATION": "Bearer husly_" + "A" * 43}, "ikke kjent"),
])
def test_a_call_without_a_usable_token_is_refused_401_with_what_to_do(world, header, says):
    response = Client().post(ARREARS, data={"lines": [line(world["tenant"])]},
                             content_type="application/json", **header)
    assert response.status_code == 401
    assert says in response.json()["detail"][0]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not RentArrears.objects.exists()
    assert not IntegrationCall.objects.exists()  # no token to log the call on


def test_a_revoked_token_is_refused_and_nothing_is_saved(world):
    integration_token_revoke(token=world["token"], by=None)
    response = report(world["secret"], [line(world["tenant"])])
    assert response.status_code == 401
    assert "trukket tilbake" in response.json()["detail"][0]
    assert "administrator" in response.json()["detail"][0]
    assert not RentArrears.objects.exists()
    assert not AccessLogEntry.objects.exists()
    call = IntegrationCall.objects.get()
    assert (call.token, call.status, call.operation) == (world["token"], 401,
                                                         "rent_arrears.report")


def test_an_expired_token_is_refused_from_the_day_after_it_expires(world):
    token = world["token"]
    last_day = token.expires_on
    with time_machine.travel(datetime.datetime.combine(last_day, datetime.time(12)),
                             tick=False):
        assert Client().get(VACANT, **bearer(world["secret"])).status_code == 200
    with time_machine.travel(datetime.datetime.combine(
            last_day + datetime.timedelta(days=1), datetime.time(12)), tick=False):
        response = report(world["secret"], [line(world["tenant"])])
        assert response.status_code == 401
        assert "gikk ut" in response.json()["detail"][0]
    assert not RentArrears.objects.exists()


# --- Operations (scopes) -----------------------------------------------------------------

def test_a_token_without_the_operation_is_refused_403_naming_the_scope(world, municipality):
    _token, dwellings_only = token_make(municipality, name="Boligportal",
                                        scopes=["dwellings.vacant.read"])
    response = report(dwellings_only, [line(world["tenant"])])
    assert response.status_code == 403
    assert "rent_arrears.report" in response.json()["detail"][0]
    assert not RentArrears.objects.exists()
    _token, arrears_only = token_make(municipality, name="Visma 2",
                                      scopes=["rent_arrears.report"])
    response = Client().get(VACANT, **bearer(arrears_only))
    assert response.status_code == 403
    assert "dwellings.vacant.read" in response.json()["detail"][0]
    assert IntegrationCall.objects.filter(status=403).count() == 2


# --- Reporting rent arrears --------------------------------------------------------------

def test_reported_arrears_reach_the_risk_signals_and_the_residents_access_log(world, team,
                                                                              make_staff):
    response = report(world["secret"], [line(world["tenant"], amount="15600.40")])
    assert response.status_code == 200, response.content
    assert response.json() == {"recorded": 1, "corrected": 0, "unchanged": 0, "settled": 0,
                               "lines": [{"line": 0, "result": "recorded"}]}
    arrears = RentArrears.objects.get()
    assert arrears.tenancy == world["tenancy"] and arrears.amount == Decimal("15600")
    assert arrears.category == "housing"
    assert arrears.recorded_by == world["token"].system_user
    signals = risk_signals(world["tenant"], categories={"housing"})
    assert [s.text for s in signals] == ["husleierestanse: 2 måneder, 15600 kr"]
    entry = AccessLogEntry.objects.get(resident=world["tenant"])
    assert entry.basis == "integration" and entry.categories == "housing"
    assert str(entry.user) == "Integrasjon: Økonomisystemet Visma" and entry.unit is None
    call = IntegrationCall.objects.get()
    assert (call.status, call.items, call.operation) == (200, 1, "rent_arrears.report")
    world["token"].refresh_from_db()
    assert world["token"].last_used_at is not None
    # The resident's access log page shows who it was, and on what basis.
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    client = verified_login(Client(), officer)
    page = client.get(reverse("access:access_log", args=[world["tenant"].pk]))
    assert "Integrasjon: Økonomisystemet Visma" in page.content.decode()
    assert "Integrasjon med et annet system (API-token)" in page.content.decode()


def test_a_nightly_report_is_not_flagged_as_reading_after_hours(world, team):
    from husly.access.selectors import outside_working_hours

    night = datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=1),
                                      datetime.time(2, 30), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(night, tick=False):
        assert report(world["secret"], [line(world["tenant"])]).status_code == 200
    assert AccessLogEntry.objects.filter(resident=world["tenant"]).exists()
    since = night - datetime.timedelta(days=1)
    assert not outside_working_hours(municipality=world["tenant"].municipality,
                                     team_ids=[team.pk], since=since,
                                     today=timezone.localdate())


def test_the_same_report_twice_changes_nothing_and_a_correction_replaces_the_figures(world):
    lines = [line(world["tenant"])]
    assert report(world["secret"], lines).json()["recorded"] == 1
    again = report(world["secret"], lines).json()
    assert again["unchanged"] == 1 and again["recorded"] == 0
    assert RentArrears.objects.count() == 1
    corrected = report(world["secret"], [line(world["tenant"], amount=9000, months=1)]).json()
    assert corrected["corrected"] == 1
    arrears = RentArrears.objects.get()
    assert (arrears.amount, arrears.months_behind) == (Decimal("9000"), 1)
    # A new date is a new count from the ledger.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert report(world["secret"], [line(world["tenant"], as_of=yesterday)]).json()[
        "recorded"] == 1
    assert RentArrears.objects.count() == 2


def _open_arrears(resident):
    return sorted((a.recorded_on, a.amount) for a in RentArrears.objects.filter(
        tenancy__residents=resident, settled_on__isnull=True))


def test_a_complete_list_settles_the_arrears_no_longer_on_it(world, municipality, team):
    from husly.housing.services import rent_arrears_record

    # Given two tenants the finance system reported yesterday, and arrears a housing officer
    # recorded on the first one's tenancy (rent the finance system may not know of)
    neighbour = ResidentFactory(municipality=municipality, team=team)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[neighbour],
                   start_date=datetime.date(2024, 3, 1))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    first = report(world["secret"], [line(world["tenant"], as_of=yesterday),
                                     line(neighbour, as_of=yesterday)], complete=True).json()
    assert (first["recorded"], first["settled"]) == (2, 0)
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, team=team)
    rent_arrears_record(tenancy=world["tenancy"], amount=Decimal(4000), months_behind=1,
                        category="housing", by=officer, recorded_on=yesterday)
    # When today's whole list has only the first tenant, with new figures
    today = report(world["secret"], [line(world["tenant"], amount=7800, months=1)],
                   complete=True)
    # Then the neighbour has paid, the first tenant's figures are today's, and the officer's
    # record stands
    assert today.status_code == 200, today.content
    assert today.json()["settled"] == 2 and today.json()["recorded"] == 1
    assert _open_arrears(neighbour) == []
    assert _open_arrears(world["tenant"]) == [(yesterday, Decimal(4000)),
                                              (timezone.localdate(), Decimal(7800))]
    assert risk_signals(neighbour, categories={"housing"}) == []
    settled = RentArrears.objects.get(tenancy__residents=neighbour)
    assert settled.settled_on == timezone.localdate()
    assert AccessLogEntry.objects.filter(resident=neighbour).count() == 2
    # The same list again changes nothing
    again = report(world["secret"], [line(world["tenant"], amount=7800, months=1)],
                   complete=True).json()
    assert (again["unchanged"], again["settled"]) == (1, 0)
    assert len(_open_arrears(world["tenant"])) == 2


def test_without_complete_nothing_is_settled(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    report(world["secret"], [line(world["tenant"], as_of=yesterday)])
    response = report(world["secret"], [])
    assert response.json()["settled"] == 0
    assert len(_open_arrears(world["tenant"])) == 1
    # An empty complete list: nobody is in arrears any more
    assert report(world["secret"], [], complete=True).json()["settled"] == 1
    assert _open_arrears(world["tenant"]) == []
    # On the next list again, the tenant owes again: open arrears, not the settled record
    back = report(world["secret"], [line(world["tenant"], as_of=yesterday)], complete=True)
    assert back.json()["recorded"] == 1
    assert len(_open_arrears(world["tenant"])) == 1


def test_a_new_token_for_the_finance_system_takes_over_the_old_ones_arrears(world,
                                                                          municipality):
    report(world["secret"], [line(world["tenant"])], complete=True)
    integration_token_revoke(token=world["token"], by=None)
    _token, renewed = token_make(municipality, name="Økonomisystemet Visma 2027")
    assert report(renewed, [], complete=True).json()["settled"] == 1
    assert _open_arrears(world["tenant"]) == []


def test_a_complete_list_never_settles_another_municipalitys_arrears(world,
                                                                     other_municipality):
    _token, stord = token_make(other_municipality, name="Stord økonomi")
    assert report(stord, [line(world["foreign"])], complete=True).json()["recorded"] == 1
    assert report(world["secret"], [], complete=True).json()["settled"] == 0
    assert len(_open_arrears(world["foreign"])) == 1


def test_an_empty_report_is_valid(world):
    response = report(world["secret"], [])
    assert response.status_code == 200
    assert response.json()["recorded"] == 0


def test_one_wrong_line_saves_nothing_and_every_wrong_line_is_named(world, municipality):
    homeless = ResidentFactory(municipality=municipality)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    lines = [
        line(world["tenant"]),                                   # 0: good
        {**line(world["tenant"]), "national_id": "17059012346"},  # 1: check digits
        line(homeless),                                          # 2: no tenancy
        line(world["tenant"], amount=0, months=0),               # 3: amount and months
        line(world["tenant"], as_of=tomorrow),                   # 4: in the future
        # 5: a valid number, of nobody in Husly
        {**line(world["tenant"]), "national_id": national_id(datetime.date(1931, 2, 3))},
        line(world["tenant"]),                                   # 6: the same as line 0
    ]
    response = report(world["secret"], lines)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == ["Ingenting er lagret: 6 av 7 linjer har feil. Rett dem og send "
                              "hele listen på nytt."]
    errors = {item["line"]: item["errors"] for item in body["lines"]}
    assert set(errors) == {1, 2, 3, 4, 5, 6}
    assert set(errors[1]) == {"national_id"} and set(errors[3]) == {"amount", "months_behind"}
    assert "ingen leieforhold" in errors[2]["as_of"][0]
    assert "framtiden" in errors[4]["as_of"][0]
    assert "Ingen beboer i Husly" in errors[5]["national_id"][0]
    assert "tidligere linje" in errors[6]["national_id"][0]
    assert not RentArrears.objects.exists()
    assert not AccessLogEntry.objects.exists()
    call = IntegrationCall.objects.get()
    assert (call.status, call.items) == (422, 7)


def test_lines_of_the_wrong_type_are_refused_per_line_in_norwegian(world):
    response = report(world["secret"], [
        line(world["tenant"]),
        {"national_id": world["tenant"].national_id, "amount": "mye", "as_of": "12.03.2026"},
    ])
    assert response.status_code == 422
    errors = response.json()["lines"]
    assert errors[0]["line"] == 1
    assert errors[0]["errors"] == {
        "amount": ["Skriv et tall, f.eks. 15600 eller 15600.50."],
        "months_behind": ["Feltet mangler."],
        "as_of": ["Skriv datoen som ÅÅÅÅ-MM-DD, f.eks. 2026-03-12."]}
    assert not RentArrears.objects.exists()


def test_arrears_on_a_tenancy_that_has_ended_are_refused(world):
    from husly.housing.services import tenancy_end

    ended_on = timezone.localdate() - datetime.timedelta(days=10)
    tenancy_end(tenancy=world["tenancy"], end_date=ended_on, end_reason="planned_move",
                by=None)
    response = report(world["secret"], [line(world["tenant"], as_of=ended_on)])
    assert response.status_code == 422
    assert "ble avsluttet" in response.json()["lines"][0]["errors"]["as_of"][0]
    assert not RentArrears.objects.exists()


# --- Municipality --------------------------------------------------------------------------

def test_a_token_never_reaches_another_municipality(world, other_municipality):
    response = report(world["secret"], [line(world["foreign"])])
    assert response.status_code == 422
    assert "Sandnes" in response.json()["lines"][0]["errors"]["national_id"][0]
    assert not RentArrears.objects.exists()
    listed = Client().get(VACANT, **bearer(world["secret"])).json()
    addresses = {d["street_address"] for d in listed["items"]}
    assert "Stord ledig 9" not in addresses and len(addresses) == 3
    # and the other municipality's own token sees its own only
    _token, stord = token_make(other_municipality, name="Stord økonomi")
    assert {d["street_address"] for d in Client().get(VACANT, **bearer(stord)).json()[
        "items"]} == {"Stord ledig 9"}
    assert report(stord, [line(world["tenant"])]).status_code == 422
    assert report(stord, [line(world["foreign"])]).status_code == 200
    assert RentArrears.objects.get().municipality == other_municipality


# --- Vacant dwellings ----------------------------------------------------------------------

def test_vacant_dwellings_come_a_page_at_a_time_with_no_person_data(world):
    response = Client().get(VACANT, {"page": 1, "page_size": 2}, **bearer(world["secret"]))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["pages"], len(body["items"])) == (3, 2, 2)
    second = Client().get(VACANT, {"page": 2, "page_size": 2}, **bearer(world["secret"]))
    assert len(second.json()["items"]) == 1
    text = response.content.decode() + second.content.decode()
    tenant = world["tenant"]
    for personal in (tenant.given_name, tenant.family_name, tenant.national_id, tenant.phone,
                     "Storgata 1"):
        assert personal not in text
    assert set(body["items"][0]) == {
        "id", "street_address", "bruksenhetsnummer", "postal_code", "postal_place", "gnr",
        "bnr", "kind", "kind_label", "rooms", "area_m2", "floor", "has_lift",
        "wheelchair_accessible", "suitability"}
    calls = list(IntegrationCall.objects.order_by("called_at", "id").values_list(
        "operation", "status", "items"))
    assert calls == [("dwellings.vacant.read", 200, 2), ("dwellings.vacant.read", 200, 1)]
    assert not AccessLogEntry.objects.exists()
    bad = Client().get(VACANT, {"page_size": 100000}, **bearer(world["secret"]))
    assert bad.status_code == 422
    assert "page_size" in bad.json()["fields"]
    assert Client().get(VACANT, {"kind": "castle"}, **bearer(world["secret"])).status_code == 422


def test_vacant_dwellings_filter_by_kind_and_leave_out_the_let_ones(world, municipality):
    DwellingFactory(municipality=municipality, street_address="Omsorg 1", kind="care")
    listed = Client().get(VACANT, {"kind": "care"}, **bearer(world["secret"])).json()
    assert [d["street_address"] for d in listed["items"]] == ["Omsorg 1"]
    everything = Client().get(VACANT, **bearer(world["secret"])).json()
    assert everything["count"] == 4  # not Storgata 1, which is let


# --- Rate limit ----------------------------------------------------------------------------

def test_too_many_calls_with_one_token_are_refused_429(world, municipality, settings):
    settings.HUSLY_API_TOKEN_RATE = "3/m"
    for _n in range(3):
        assert Client().get(VACANT, **bearer(world["secret"])).status_code == 200
    response = Client().get(VACANT, **bearer(world["secret"]))
    assert response.status_code == 429
    assert "For mange kall" in response.json()["detail"][0]
    assert int(response["Retry-After"]) > 0
    assert IntegrationCall.objects.filter(status=429).count() == 1
    # Another token has its own count.
    _token, other = token_make(municipality, name="Boligportal")
    assert Client().get(VACANT, **bearer(other)).status_code == 200


# --- The two APIs stay apart ---------------------------------------------------------------

def test_a_staff_session_does_not_open_the_integration_api_nor_a_token_the_staff_api(
        world, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER)
    client = verified_login(Client(), officer)
    assert client.get(VACANT).status_code == 401
    assert client.get(reverse("api:applications")).status_code == 200
    assert Client().get(reverse("api:applications"),
                        **bearer(world["secret"])).status_code == 401
    assert staff_context_for(world["token"].system_user, None).municipality is None


def test_the_openapi_document_has_the_bearer_scheme_and_both_operations(db):
    schema = Client().get("/api/v1/integrasjon/openapi.json").json()
    assert schema["components"]["securitySchemes"]["IntegrationBearer"]["scheme"] == "bearer"
    assert set(schema["paths"]) == {"/api/v1/integrasjon/husleierestanser",
                                    "/api/v1/integrasjon/ledige-boliger"}
    post = schema["paths"]["/api/v1/integrasjon/husleierestanser"]["post"]
    assert post["security"] == [{"IntegrationBearer": []}]
    assert {"200", "401", "403", "422", "429"} <= set(post["responses"])
    assert Client().get("/api/v1/integrasjon/docs").status_code == 200
