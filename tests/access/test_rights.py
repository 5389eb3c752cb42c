"""Consent, break-the-glass, the access log, the resident's copy and retention, through the
pages staff use."""

import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from husly.access.letters import access_log_letter_html
from husly.access.models import AccessLogEntry, BreakGlass, Consent
from husly.access.policy import staff_context_for
from husly.access.services import (
    access_log_record,
    retention_apply,
    retention_settings_save,
)
from husly.accounts.models import Role, Unit, UnitKind
from husly.common.models import Category, DomainEvent
from husly.financing.models import FinancingApplication, FinancingKind, FinancingStatus
from husly.financing.services import financing_decide
from husly.people import services as people
from husly.people.models import Resident
from tests.factories import ResidentFactory
from tests.financing.helpers import registered

NOTE = "Ønsker hjelp med strømregningen"


@pytest.fixture
def world(municipality, team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo")
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="nav")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    people.resident_note_write(resident=resident, category=Category.FOLLOWUP, text=NOTE,
                               by=worker)
    return {"worker": worker, "nav": nav, "resident": resident,
            "followup_unit": Unit.objects.get(municipality=municipality,
                                              kind=UnitKind.FOLLOWUP),
            "nav_unit": Unit.objects.get(municipality=municipality, kind=UnitKind.NAV)}


def _consent_form(world, **overrides):
    data = {"from_units": [world["followup_unit"].pk], "to_units": [world["nav_unit"].pk],
            "categories": ["followup"], "purpose": "Å beholde boligen",
            "given_on": timezone.localdate().isoformat(), "expires_on": "", "form": "written"}
    data.update(overrides)
    return data


def _resident_page(client, world) -> str:
    response = client.get(reverse("people:resident_detail", args=[world["resident"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_consent_given_opens_followup_for_nav_and_withdrawal_closes_it_at_once(
        client, login, world):
    # Given a NAV counsellor on the team, who does not read follow-up information
    login(client, world["nav"])
    body = _resident_page(client, world)
    assert NOTE not in body
    assert reverse("access:consent_list", args=[world["resident"].pk]) in body
    # When the follow-up worker records the resident's consent on the consent page
    login(client, world["worker"])
    url = reverse("access:consent_list", args=[world["resident"].pk])
    response = client.post(url, _consent_form(world))
    assert response.status_code == 302
    # Then the NAV counsellor reads the follow-up note from that moment
    login(client, world["nav"])
    assert NOTE in _resident_page(client, world)
    # And when the resident withdraws it, the counsellor stops seeing it at once
    login(client, world["worker"])
    consent = Consent.objects.get()
    response = client.post(reverse("access:consent_withdraw", args=[consent.pk]))
    assert response.status_code == 302
    login(client, world["nav"])
    assert NOTE not in _resident_page(client, world)
    assert DomainEvent.objects.filter(name="consent.withdrawn").count() == 1


def test_an_expired_consent_opens_nothing(client, login, world):
    today = timezone.localdate()
    login(client, world["worker"])
    client.post(reverse("access:consent_list", args=[world["resident"].pk]), _consent_form(
        world, expires_on=(today + datetime.timedelta(days=3)).isoformat()))
    login(client, world["nav"])
    assert NOTE in _resident_page(client, world)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        login(client, world["nav"])
        assert NOTE not in _resident_page(client, world)


@pytest.mark.parametrize("overrides, message", [
    ({"expires_on": "2020-01-01"}, "før"),
    ({"to_units": ["999999"]}, "Velg enheter fra listen"),
    ({"categories": ["housing"]}, "har ikke"),
    ({"to_units": ["__followup__"]}, "allerede har"),
    ({"categories": []}, "Velg hva samtykket gjelder"),
    ({"purpose": ""}, "Skriv hva opplysningene kan brukes til"),
])
def test_bad_consents_are_refused_with_a_message_that_says_what_to_do(
        client, login, world, overrides, message):
    if overrides.get("to_units") == ["__followup__"]:
        overrides = {"to_units": [world["followup_unit"].pk]}
    login(client, world["worker"])
    response = client.post(reverse("access:consent_list", args=[world["resident"].pk]),
                           _consent_form(world, **overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert NOTE not in body
    assert not Consent.objects.exists()


def test_a_unit_of_another_municipality_cannot_be_named_in_a_consent(
        client, login, world, other_municipality, make_staff):
    foreign = make_staff(Role.NAV_COUNSELLOR, municipality=other_municipality)
    foreign_unit = foreign.role_assignments.get().unit
    login(client, world["worker"])
    response = client.post(reverse("access:consent_list", args=[world["resident"].pk]),
                           _consent_form(world, to_units=[foreign_unit.pk]))
    assert "Velg enheter fra listen" in response.content.decode()
    assert not Consent.objects.exists()


def test_the_signed_form_is_checked_by_its_content(client, login, world):
    login(client, world["worker"])
    url = reverse("access:consent_list", args=[world["resident"].pk])
    fake = SimpleUploadedFile("skjema.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {**_consent_form(world), "attachment": fake})
    assert "Bare en PDF" in response.content.decode()
    assert not Consent.objects.exists()
    pdf = SimpleUploadedFile("skjema.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "text/plain")
    assert client.post(url, {**_consent_form(world), "attachment": pdf}).status_code == 302
    consent = Consent.objects.get()
    assert consent.attachment_content_type == "application/pdf"
    response = client.get(reverse("access:consent_attachment", args=[consent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_break_the_glass_grants_for_its_time_only_and_the_leader_sees_it(
        client, login, world, make_staff, team):
    outsider = make_staff(Role.FOLLOWUP_WORKER, username="vakt")
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leder")
    resident = world["resident"]
    detail = reverse("people:resident_detail", args=[resident.pk])
    glass_url = reverse("access:break_glass", args=[resident.pk])
    # Given a worker with no relation, who finds the resident only by the full number
    login(client, outsider)
    client.post(reverse("people:resident_list"), {"q": resident.national_id})
    listing = client.get(reverse("people:resident_list")).content.decode()
    assert glass_url in listing
    assert resident.family_name not in listing
    response = client.get(detail)
    assert response.status_code == 403
    assert glass_url in response.content.decode()
    # When they ask without a reason, they are refused and nothing opens
    response = client.post(glass_url, {"reason": "", "explanation": ""})
    assert response.status_code == 200
    assert "Velg hvorfor" in response.content.decode()
    assert not BreakGlass.objects.exists()
    # When they state why, the record opens and the read is logged as emergency access
    response = client.post(glass_url, {"reason": "danger",
                                       "explanation": "Naboen ringte om røyk fra leiligheten"})
    assert response.status_code == 302
    assert client.get(detail).status_code == 200
    entry = AccessLogEntry.objects.get(user=outsider)
    assert entry.basis == "break_glass"
    # Then the team leader sees it the same day, on the menu and the review list
    login(client, leader)
    review = client.get(reverse("access:access_review")).content.decode()
    assert "Naboen ringte" in review
    assert 'data-count="1"' in review
    # And after its hours the access is gone
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=12, minutes=1)):
        login(client, outsider)
        assert client.get(detail).status_code == 403
    # The leader reviews it; it leaves the list
    glass = BreakGlass.objects.get()
    login(client, leader)
    response = client.post(reverse("access:break_glass_review", args=[glass.pk]),
                           {"outcome": "accepted", "note": ""})
    assert response.status_code == 302
    glass.refresh_from_db()
    assert glass.reviewed_by == leader and glass.review_outcome == "accepted"
    assert 'data-count=' not in client.get(reverse("access:access_review")).content.decode()


def test_the_leader_sees_many_residents_in_an_hour_and_reads_at_night(
        client, login, municipality, team, make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leder")
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, username="nysgjerrig")
    staff = staff_context_for(worker, None)
    residents = [ResidentFactory(municipality=municipality, team=team) for _ in range(20)]
    from husly.access.policy import resident_access

    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(2026, 11, 18, 10, 5, tzinfo=tz)):
        for resident in residents:
            access_log_record(staff=staff, resident=resident,
                              access=resident_access(staff, resident), view="test")
    with time_machine.travel(datetime.datetime(2026, 11, 18, 23, 30, tzinfo=tz)):
        access_log_record(staff=staff, resident=residents[0],
                          access=resident_access(staff, residents[0]), view="test")
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=tz)):
        login(client, leader)
        body = client.get(reverse("access:access_review")).content.decode()
    many = body.split('id="many-heading"')[1].split("</section>")[0]
    assert "nysgjerrig" in many and ">20<" in many
    night = body.split('id="hours-heading"')[1].split("</section>")[0]
    assert residents[0].full_name in night
    assert residents[1].full_name not in night


def test_the_access_log_letter_lists_exactly_the_reads_made(
        client, login, world, municipality):
    resident = world["resident"]
    detail = reverse("people:resident_detail", args=[resident.pk])
    login(client, world["nav"])
    client.get(detail)
    client.get(detail)
    login(client, world["worker"])
    client.get(detail)
    staff = staff_context_for(world["worker"], None)
    html = access_log_letter_html(resident=resident, staff=staff, language="nb")
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    # One line per reader and day, with the number of reads: nav twice, the worker once
    reads = {r.split("</td><td>")[1]: int(r.rsplit("<td>", 1)[1].split("</td>")[0])
             for r in rows}
    assert reads == {str(world["nav"]): 2, str(world["worker"]): 1}
    assert sum(reads.values()) == AccessLogEntry.objects.filter(resident=resident).count()
    assert "3 oppslag totalt" in html
    assert "NAV" in html and "Oppfølging" in html
    nynorsk = access_log_letter_html(resident=resident, staff=staff, language="nn")
    assert 'lang="nn"' in nynorsk and "Kven har lese" in nynorsk
    response = client.get(reverse("access:access_log_letter", args=[resident.pk]) + "?sprak=nn")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_municipalitys_resident_log_is_not_found(client, login, world,
                                                         other_municipality):
    foreign = ResidentFactory(municipality=other_municipality)
    login(client, world["worker"])
    for name in ("access:access_log", "access:access_log_letter", "access:data_copy_json",
                 "access:consent_list", "access:break_glass"):
        response = client.get(reverse(name, args=[foreign.pk]))
        assert response.status_code == 404, name
        assert foreign.family_name not in response.content.decode()


def test_the_copy_holds_what_its_maker_reads_and_names_who_holds_the_rest(
        client, login, world):
    resident = world["resident"]
    login(client, world["nav"])
    copy = json.loads(client.get(reverse("access:data_copy_json",
                                         args=[resident.pk])).content)
    assert "notes_followup" not in copy["sections"]
    assert NOTE not in json.dumps(copy, ensure_ascii=False)
    assert {"followup", "health", "housing"} <= {n["category"] for n in copy["not_included"]}
    login(client, world["worker"])
    copy = json.loads(client.get(reverse("access:data_copy_json",
                                         args=[resident.pk])).content)
    assert copy["sections"]["notes_followup"][0]["text"] == NOTE
    assert copy["sections"]["person"][0]["national_id"] == resident.national_id
    # Making the copy was logged as a read, and the log is part of the copy
    assert AccessLogEntry.objects.filter(view="data_copy").count() == 2
    assert len(copy["sections"]["access_log"]) == 2
    response = client.get(reverse("access:data_copy_pdf", args=[resident.pk]))
    assert response.content.startswith(b"%PDF")


def test_the_copy_holds_financing_records_of_the_categories_its_maker_reads(
        client, login, world, make_staff):
    resident = world["resident"]
    officer = make_staff(Role.HOUSING_OFFICER, username="bolig2", team=world["resident"].team)
    registered(resident, kind=FinancingKind.STARTLAN, by=officer)
    login(client, officer)
    copy = json.loads(client.get(reverse("access:data_copy_json",
                                         args=[resident.pk])).content)
    assert [r["kind"] for r in copy["sections"]["financing"]] == [FinancingKind.STARTLAN]
    login(client, world["nav"])
    copy = json.loads(client.get(reverse("access:data_copy_json",
                                         args=[resident.pk])).content)
    assert "financing" not in copy["sections"]


def test_a_correction_is_recorded_with_what_changed(client, login, world):
    resident = world["resident"]
    login(client, world["worker"])
    url = reverse("people:resident_correct", args=[resident.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {"given_name": resident.given_name, "family_name": "Nordnes",
            "national_id": resident.national_id, "birth_date": resident.birth_date.isoformat(),
            "phone": "", "protected_address": "none", "guardian_name": "",
            "guardian_phone": "", "guardian_scope": "", "team": resident.team_id,
            "primary_contact": resident.primary_contact_id}
    # The worker does not read housing: the housing fields are not on the form at all
    assert 'name="housing_situation"' not in form.content.decode()
    assert client.post(url, data).status_code == 302
    resident.refresh_from_db()
    assert resident.family_name == "Nordnes"
    assert resident.housing_situation == "shelter_temporary"
    copy = json.loads(client.get(reverse("access:data_copy_json",
                                         args=[resident.pk])).content)
    assert copy["sections"]["corrections"][0]["changed"] == ["family_name"]


def test_retention_anonymises_ended_cases_and_keeps_care_records(municipality, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, username="bolig")
    housing_unit = officer.role_assignments.get().unit
    worker = make_staff(Role.FOLLOWUP_WORKER, username="miljo")
    long_ago = timezone.localdate() - datetime.timedelta(days=6 * 366)
    ended = ResidentFactory(municipality=municipality, phone="99887766")
    cared_for = ResidentFactory(municipality=municipality)
    active = ResidentFactory(municipality=municipality)
    recent = ResidentFactory(municipality=municipality)
    for resident, closed in ((ended, long_ago), (cared_for, long_ago), (recent, None)):
        case = people.case_open(resident=resident, unit=housing_unit, assigned_to=officer,
                                by=officer, opened_on=long_ago - datetime.timedelta(days=30))
        people.case_close(case=case, by=officer,
                          closed_on=closed or timezone.localdate() - datetime.timedelta(days=3))
    people.case_open(resident=active, unit=housing_unit, assigned_to=officer, by=officer)
    people.resident_note_write(resident=ended, category=Category.HOUSING, text="Boligsak",
                               by=officer)
    people.resident_note_write(resident=cared_for, category=Category.FOLLOWUP,
                               text="Oppfølging", by=worker)
    AccessLogEntry.objects.create(municipality=municipality, user=officer, resident=ended,
                                  accessed_at=timezone.now(), categories="housing",
                                  basis="case", view="test")
    # A refusal with its reasons written about the person
    financing_decide(application=registered(ended, applied_on=long_ago), by=officer,
                     outcome=FinancingStatus.REFUSED, decided_on=long_ago,
                     decision_note="Gjeldsproblemer")
    retention_settings_save(municipality=municipality, years_after_end=5, by=None)
    Resident.objects.update(registered_at=timezone.now() - datetime.timedelta(days=7 * 366))

    assert retention_apply(municipality=municipality) == {"anonymised": 1, "preserved": 1}

    ended.refresh_from_db()
    assert ended.given_name == "Anonymisert" and ended.national_id == "" and ended.phone == ""
    assert FinancingApplication.objects.get(resident=ended).decision_note == ""
    assert ended.notes.get().text == ""
    assert AccessLogEntry.objects.filter(resident=ended).count() == 1  # the log is kept
    cared_for.refresh_from_db()
    assert cared_for.preserved_for_archive_on == timezone.localdate()
    assert cared_for.notes.get().text == "Oppfølging"
    assert Resident.objects.get(pk=active.pk).anonymised_on is None
    assert Resident.objects.get(pk=recent.pk).anonymised_on is None
    # Running again changes nothing: both are done
    assert retention_apply(municipality=municipality) == {"anonymised": 0, "preserved": 0}


def test_the_administrator_runs_retention_from_its_page(client, login, make_staff,
                                                        municipality):
    admin = make_staff(Role.ADMINISTRATOR, username="admin")
    login(client, admin)
    url = reverse("access:retention")
    assert client.get(url).status_code == 200
    assert client.post(url, {"years_after_end": "0"}).status_code == 200
    assert client.post(url, {"years_after_end": "7"}).status_code == 302
    assert municipality.retention_settings.years_after_end == 7
    response = client.post(url, {"action": "apply"}, follow=True)
    assert "0 beboere anonymisert" in response.content.decode()


def test_emergency_access_cannot_make_itself_permanent(client, login, world, make_staff):
    outsider = make_staff(Role.FOLLOWUP_WORKER, username="vakt")
    resident = world["resident"]
    login(client, outsider)
    client.post(reverse("access:break_glass", args=[resident.pk]),
                {"reason": "danger", "explanation": "Naboen melder om røyk."})
    assert client.get(reverse("people:resident_detail", args=[resident.pk])).status_code == 200
    # Neither the correction form nor the consent page is open on emergency access
    assert client.get(reverse("people:resident_correct", args=[resident.pk])).status_code in (
        200, 404)
    form = client.get(reverse("people:resident_correct", args=[resident.pk])).content.decode()
    assert 'name="primary_contact"' not in form and 'name="team"' not in form
    assert client.get(reverse("access:consent_list", args=[resident.pk])).status_code == 404


def test_only_cleared_staff_lift_a_protected_address(client, login, make_staff, team,
                                                     municipality):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    resident = ResidentFactory(municipality=municipality, team=team,
                               protected_address="fortrolig")
    login(client, officer)
    form = client.get(reverse("people:resident_correct", args=[resident.pk])).content.decode()
    assert 'name="protected_address"' not in form
    client.post(reverse("people:resident_correct", args=[resident.pk]), {
        "given_name": resident.given_name, "family_name": resident.family_name,
        "national_id": resident.national_id, "protected_address": "none",
        "housing_situation": resident.housing_situation,
        "housing_situation_since": resident.housing_situation_since.isoformat()})
    resident.refresh_from_db()
    assert resident.protected_address == "fortrolig"


def test_consent_crosses_units_and_never_gives_health_within_one(
        client, login, make_staff, team, municipality):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo", health=False)
    nurse = make_staff(Role.FOLLOWUP_WORKER, team=team, username="sykepleier", health=True)
    resident = ResidentFactory(municipality=municipality, team=team)
    people.resident_note_write(resident=resident, category=Category.HEALTH,
                               text="Helseopplysning", by=nurse)
    unit = Unit.objects.get(municipality=municipality, kind=UnitKind.FOLLOWUP)
    login(client, worker)
    response = client.post(reverse("access:consent_list", args=[resident.pk]), {
        "from_units": [unit.pk], "to_units": [unit.pk], "categories": ["health"],
        "purpose": "Å beholde boligen", "given_on": timezone.localdate().isoformat(),
        "form": "verbal"})
    assert "allerede har" in response.content.decode()
    assert not Consent.objects.exists()
    # Even a consent recorded earlier to the unit itself opens nothing within it
    Consent.objects.create(municipality=municipality, resident=resident, categories=["health"],
                           purpose="x", given_on=timezone.localdate(), form="verbal",
                           recorded_by=nurse).to_units.set([unit])
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "Helseopplysning" not in body


def test_a_leader_reviews_access_for_their_own_teams_only(client, login, world, make_staff,
                                                          municipality):
    from husly.accounts.services import team_create

    other_team = team_create(municipality=municipality, name="Team Vest")
    other_leader = make_staff(Role.TEAM_LEADER, team=other_team, username="vestleder")
    outsider = make_staff(Role.FOLLOWUP_WORKER, username="vakt")
    login(client, outsider)
    client.post(reverse("access:break_glass", args=[world["resident"].pk]),
                {"reason": "danger", "explanation": "Naboen melder om røyk."})
    login(client, other_leader)
    body = client.get(reverse("access:access_review")).content.decode()
    assert "Naboen melder" not in body and world["resident"].family_name not in body
    glass = BreakGlass.objects.get()
    client.post(reverse("access:break_glass_review", args=[glass.pk]), {"outcome": "accepted"})
    glass.refresh_from_db()
    assert glass.reviewed_at is None
