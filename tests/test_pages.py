"""Pages as a user meets them: forms refuse bad input next to the field, hidden parts say why."""

import datetime

from django.urls import reverse

from husly.accounts.models import Role
from husly.common.models import Category
from husly.housing.models import Dwelling, Tenancy
from husly.people import services as people
from husly.people.models import Resident
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, national_id


def test_resident_search_finds_by_name_and_number_within_relations(client, login, make_staff,
                                                                   team, municipality):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    kari = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                           family_name="Fjellheim")
    ResidentFactory(municipality=municipality, team=team, given_name="Ola", family_name="Dal")
    ResidentFactory(municipality=municipality, given_name="Kari", family_name="Utenfor")
    login(client, worker)
    response = client.post(reverse("people:resident_list"), {"q": "kari"}, follow=True)
    body = response.content.decode()
    assert "Fjellheim" in body and "Dal" not in body and "Utenfor" not in body
    # The search text never travels in a URL.
    assert all("kari" not in url.lower() for url, _status in response.redirect_chain)
    body = client.post(reverse("people:resident_list"), {"q": kari.national_id},
                       follow=True).content.decode()
    assert "Fjellheim" in body and "Dal" not in body
    body = client.post(reverse("people:resident_list"), {"q": ""}, follow=True).content.decode()
    assert "Dal" in body


def test_search_answers_htmx_with_the_results_fragment(client, login, make_staff, team,
                                                      municipality):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    ResidentFactory(municipality=municipality, team=team, family_name="Fjellheim")
    login(client, worker)
    response = client.post(reverse("people:resident_list"), {"q": "fjell"},
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resident-results")
    body = response.content.decode()
    assert "Fjellheim" in body
    assert "<html" not in body


def test_resident_page_shows_what_is_hidden_and_why(client, login, make_staff, team,
                                                    municipality):
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    resident = ResidentFactory(municipality=municipality, team=team)
    people.resident_note_write(resident=resident, category=Category.HEALTH,
                               text="Helsenotat-XYZ", by=worker)
    people.resident_note_write(resident=resident, category=Category.NAV,
                               text="Bostøtte-ABC", by=nav)
    login(client, nav)
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "Bostøtte-ABC" in body
    assert "Helsenotat-XYZ" not in body
    assert body.count("Skjult: krever samtykke") == 3  # housing, follow-up, health


def test_resident_of_another_municipality_is_not_found(client, login, make_staff,
                                                       other_municipality):
    worker = make_staff(Role.FOLLOWUP_WORKER)
    foreign = ResidentFactory(municipality=other_municipality)
    login(client, worker)
    response = client.get(reverse("people:resident_detail", args=[foreign.pk]))
    assert response.status_code == 404
    assert foreign.family_name not in response.content.decode()


def test_register_resident_form_refuses_bad_number_next_to_the_field(client, login, make_staff,
                                                                    municipality):
    officer = make_staff(Role.HOUSING_OFFICER)
    login(client, officer)
    response = client.post(reverse("people:resident_create"), {
        "given_name": "Per", "family_name": "Feil", "national_id": "12345678901",
        "housing_situation": "street", "housing_situation_since": "2026-01-01",
        "protected_address": "none",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_national_id-feil"' in body
    assert 'aria-invalid="true"' in body
    assert "Ingenting ble lagret" in body
    assert not Resident.objects.exists()


def test_register_resident_form_saves_and_opens_a_case(client, login, make_staff,
                                                      municipality):
    officer = make_staff(Role.HOUSING_OFFICER)
    login(client, officer)
    response = client.post(reverse("people:resident_create"), {
        "given_name": "Per", "family_name": "Riktig",
        "national_id": national_id(datetime.date(1988, 2, 3)),
        "housing_situation": "street", "housing_situation_since": "2026-01-01",
        "protected_address": "none",
    })
    resident = Resident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:resident_detail", args=[resident.pk])
    assert client.get(response["Location"]).status_code == 200


def test_dwelling_form_refuses_malformed_matrikkel(client, login, make_staff, municipality):
    officer = make_staff(Role.HOUSING_OFFICER)
    login(client, officer)
    response = client.post(reverse("housing:dwelling_create"), {
        "street_address": "Storgata 2", "postal_code": "4306", "postal_place": "Sandnes",
        "bruksenhetsnummer": "H0101", "matrikkel": "38-112", "kind": "transitional",
        "rooms": "2", "area_m2": "45", "floor": "1", "owner_kind": "municipal",
        "status": "vacant",
    })
    assert response.status_code == 200
    assert 'id="id_matrikkel-feil"' in response.content.decode()
    assert not Dwelling.objects.exists()


def test_tenancy_form_refuses_overlap_and_end_form_refuses_early_end(client, login, make_staff,
                                                                    team, municipality):
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    resident = ResidentFactory(municipality=municipality, team=team)
    other = ResidentFactory(municipality=municipality, team=team)
    dwelling = DwellingFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=dwelling, residents=[resident],
                             start_date=datetime.date(2025, 1, 1))
    login(client, officer)
    response = client.post(reverse("housing:tenancy_create", args=[dwelling.pk]), {
        "residents": [other.pk], "start_date": "2025-06-01", "monthly_rent": "7000",
    })
    assert response.status_code == 200
    assert 'id="id_start_date-feil"' in response.content.decode()
    assert Tenancy.objects.count() == 1
    response = client.post(reverse("housing:tenancy_end", args=[tenancy.pk]), {
        "end_date": "2024-12-01", "end_reason": "planned_move",
    })
    assert 'id="id_end_date-feil"' in response.content.decode()
    tenancy.refresh_from_db()
    assert tenancy.end_date is None
    response = client.post(reverse("housing:tenancy_end", args=[tenancy.pk]), {
        "end_date": "2025-12-01", "end_reason": "planned_move",
        "housing_situation_after": "own_home",
    })
    assert response.status_code == 302
    tenancy.refresh_from_db()
    assert tenancy.end_date == datetime.date(2025, 12, 1)


def test_dwelling_list_filters_in_the_database(client, login, make_staff, municipality):
    officer = make_staff(Role.HOUSING_OFFICER)
    DwellingFactory(municipality=municipality, street_address="Omsorgsveien 1", kind="care")
    DwellingFactory(municipality=municipality, street_address="Gjennomgangen 2")
    login(client, officer)
    body = client.get(reverse("housing:dwelling_list"), {"kind": "care"}).content.decode()
    assert "Omsorgsveien 1" in body and "Gjennomgangen 2" not in body


def test_protected_address_is_hidden_from_staff_not_cleared(client, login, make_staff, team,
                                                            municipality):
    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    leader = make_staff(Role.TEAM_LEADER, team=team, cleared=True,
                        unit=officer.role_assignments.get().unit)
    resident = ResidentFactory(municipality=municipality, team=team,
                               protected_address="strengt_fortrolig", family_name="Skjermet")
    dwelling = DwellingFactory(municipality=municipality, street_address="Hemmeligveien 9")
    TenancyFactory(dwelling=dwelling, residents=[resident],
                   start_date=datetime.date(2025, 1, 1))
    login(client, officer)
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "Hemmeligveien" not in body
    body = client.get(reverse("housing:dwelling_detail", args=[dwelling.pk])).content.decode()
    assert "Skjermet" not in body
    login(client, leader)
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "Hemmeligveien 9" in body


def test_unknown_url_gives_the_norwegian_404_page(client):
    response = client.get("/finnes/ikke/")
    assert response.status_code == 404
    assert "Vi fant ikke siden" in response.content.decode()


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_staff_in_two_municipalities_work_in_one_at_a_time(client, login, make_staff, team,
                                                            municipality, other_municipality):
    from husly.accounts import services as accounts

    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    accounts.role_assign(user=worker, municipality=other_municipality,
                         role=Role.FOLLOWUP_WORKER)
    here = ResidentFactory(municipality=municipality, team=team, family_name="Herfra")
    there_team = accounts.team_create(municipality=other_municipality, name="Stord-teamet")
    accounts.team_member_add(team=there_team, user=worker)
    ResidentFactory(municipality=other_municipality, team=there_team, family_name="Derfra")
    login(client, worker)
    body = client.get(reverse("people:resident_list")).content.decode()
    assert "Herfra" in body and "Derfra" not in body
    assert 'name="municipality"' in body
    client.post(reverse("accounts:municipality_switch"),
                {"municipality": other_municipality.pk})
    body = client.get(reverse("people:resident_list")).content.decode()
    assert "Derfra" in body and "Herfra" not in body
    assert client.get(reverse("people:resident_detail", args=[here.pk])).status_code == 404


def test_server_error_page_is_friendly_and_in_norwegian(rf):
    from husly.common.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Noe gikk galt" in body
    assert "Traceback" not in body


def test_list_pages_do_not_issue_more_queries_as_data_grows(client, login, make_staff, team,
                                                            municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = make_staff(Role.HOUSING_OFFICER, team=team)
    login(client, officer)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for i in range(2):
        ResidentFactory(municipality=municipality, team=team)
        DwellingFactory(municipality=municipality, street_address=f"Liten {i}")
    small = (count(reverse("people:resident_list")), count(reverse("housing:dwelling_list")))
    for i in range(20):
        ResidentFactory(municipality=municipality, team=team)
        DwellingFactory(municipality=municipality, street_address=f"Stor {i}")
    large = (count(reverse("people:resident_list")), count(reverse("housing:dwelling_list")))
    assert large == small
