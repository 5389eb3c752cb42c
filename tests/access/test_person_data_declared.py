"""Person data declared once (issue 18): every model that reaches a resident is declared or
exempted with a reason, the resident's copy holds every declared kind, and anonymisation
blanks every declared free-text field."""

import datetime
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from husly.access.innsyn import data_copy, data_copy_json
from husly.access.models import BreakGlass, Consent
from husly.access.policy import resident_access, staff_context_for
from husly.access.services import retention_anonymise
from husly.accounts import services as accounts
from husly.accounts.models import Role, Unit, UnitKind
from husly.allocation.models import Allocation as AllocationRow
from husly.allocation.models import (
    AllocationCriterion,
    Application,
    CriterionAssessment,
    Decision,
    JointMeeting,
    MoveInTask,
    Offer,
    Statement,
)
from husly.board.models import RedBoardEntry, Review
from husly.common import persondata
from husly.common.models import Category, DomainEvent
from husly.financing.models import HomePurchase
from husly.followup import services as followup
from husly.followup.models import CoordinationMeeting, CoordinationTask, PlanVersion, Visit
from husly.housing.models import Landlord, PrivateLease, RentArrears, WorkOrderPhoto
from husly.housing.services import work_order_create
from husly.outcomes.models import HomelessEpisode, Resettlement, SituationSpell
from husly.people import services as people
from husly.people.models import Resident, ResidentNote
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory
from tests.financing.helpers import registered

HOPS = 3
# Free text on a model retention anonymises that is kept on purpose, and why.
KEPT_TEXT = {
    ("housing.workorder", "description"): "what to do on the dwelling: its upkeep history",
}
HEALTH_NOTE = "Helsenotat om medisiner"
MARKER = "merket-7"


def _relations(model):
    return [f for f in model._meta.get_fields()
            if f.is_relation and f.concrete and f.related_model is not None]


def _reaches_resident(model, hops=HOPS, seen=()) -> bool:
    """A path of foreign keys, one-to-ones or many-to-manys from `model` to the resident."""
    if model is Resident:
        return True
    if hops == 0:
        return False
    return any(_reaches_resident(f.related_model, hops - 1, (*seen, model))
               for f in _relations(model) if f.related_model not in seen)


def _husly_models():
    return [m for m in apps.get_models() if m._meta.app_config.name.startswith("husly.")]


def _specs():
    """(model, declaration or part) for every declaration and every part under one."""
    found = []

    def walk(model, spec):
        found.append((model, spec))
        for part in spec.parts:
            walk(part.model_under(model), part)

    for declaration in persondata.declarations():
        walk(declaration.model, declaration)
    return found


def _declared_labels() -> set[str]:
    return {model._meta.label_lower for model, _spec in _specs()}


def _undeclared(declared: set[str]) -> set[str]:
    excused = set(persondata.exemptions())
    return {m._meta.label_lower for m in _husly_models() if _reaches_resident(m)} - (
        declared | excused)


def _rows(resident):
    """(model, declaration or part, the resident's rows of it) for everything declared."""
    found = []

    def walk(model, spec, rows):
        found.append((model, spec, rows))
        for part in spec.parts:
            walk(part.model_under(model), part, part.rows_under(model, rows))

    for declaration in persondata.declarations():
        walk(declaration.model, declaration, declaration.rows_for(resident.pk))
    return found


# -- completeness ------------------------------------------------------------------------


def test_every_model_that_reaches_a_resident_is_declared_or_exempted():
    # Given every model of Husly's apps with a path of up to three relations to a resident
    # When the declared and the exempted are taken away
    missing = _undeclared(_declared_labels())
    # Then none is left
    assert not missing, f"declare these in their app's persondata.py, or exempt them: {missing}"


def test_the_walk_would_see_any_declaration_missing():
    """The control: take any one declaration away and the walk names its model."""
    declared = _declared_labels()
    for label in declared:
        assert label in _undeclared(declared - {label}), label


def test_exemptions_name_real_models_and_say_why():
    declared = _declared_labels()
    for label, reason in persondata.exemptions().items():
        assert apps.get_model(label), label
        assert reason.strip() and label not in declared, label


def test_declared_fields_exist_and_blanked_fields_are_text():
    for model, spec in _specs():
        names = [*spec.fields, *spec.address_fields, *spec.anonymise_fields]
        if isinstance(spec, persondata.PersonData):
            names += [n for more in spec.category_fields.values() for n in more]
        for name in names:
            model._meta.get_field(name)
        for name in spec.anonymise_fields:
            assert isinstance(model._meta.get_field(name),
                              models.CharField | models.TextField), (model, name)


def test_free_text_on_anonymised_models_is_blanked_or_kept_on_purpose():
    # Records kept for the archive are never anonymised; the rest lose what was written.
    for declaration in persondata.declarations():
        if declaration.kept_for_archive is not False:
            continue
        stack = [(declaration.model, declaration)]
        while stack:
            model, spec = stack.pop()
            stack += [(part.model_under(model), part) for part in spec.parts]
            for field in model._meta.concrete_fields:
                if (isinstance(field, models.TextField)
                        and field.name not in spec.anonymise_fields):
                    assert (model._meta.label_lower, field.name) in KEPT_TEXT, (
                        model, field.name)


# -- a resident with a row of every declared kind ----------------------------------------


@pytest.fixture
def everything(municipality, team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo", health=True)
    make_staff(Role.NAV_COUNSELLOR, team=team, username="nav")
    outsider = make_staff(Role.FOLLOWUP_WORKER, username="vakt")
    # A reader of every category: the housing service, the follow-up unit as health
    # personnel, and NAV, cleared for protected addresses.
    reader = make_staff(Role.HOUSING_OFFICER, team=team, username="alt", health=True,
                        cleared=True)
    units = {kind: Unit.objects.get(municipality=municipality, kind=kind)
             for kind in (UnitKind.HOUSING, UnitKind.FOLLOWUP, UnitKind.NAV)}
    accounts.role_assign(user=reader, municipality=municipality, role=Role.FOLLOWUP_WORKER,
                         unit=units[UnitKind.FOLLOWUP])
    accounts.role_assign(user=reader, municipality=municipality, role=Role.NAV_COUNSELLOR,
                         unit=units[UnitKind.NAV])
    now, today = timezone.now(), timezone.localdate()
    scoped = {"municipality": municipality}

    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker,
                               phone="40000001", guardian_name="Verge Vergesen")
    case = people.case_open(resident=resident, unit=units[UnitKind.HOUSING],
                            assigned_to=reader, by=reader)
    for category in Category:
        ResidentNote.objects.create(
            **scoped, resident=resident, category=category, written_by=worker, written_at=now,
            text=HEALTH_NOTE if category == Category.HEALTH else f"Notat {category}")

    dwelling = DwellingFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=dwelling, residents=[resident],
                             start_date=today - datetime.timedelta(days=60))
    HomelessEpisode.objects.create(
        **scoped, resident=resident, started_on=today - datetime.timedelta(days=200),
        start_kind="newly_identified", ended_on=today - datetime.timedelta(days=60),
        end_kind="housed")
    SituationSpell.objects.create(**scoped, resident=resident, situation="shelter_temporary",
                                  started_on=today - datetime.timedelta(days=200),
                                  ended_on=today - datetime.timedelta(days=60))
    Resettlement.objects.create(**scoped, resident=resident, tenancy=tenancy, case=case,
                                what_went_wrong="Naboklager", do_differently="Tettere besøk",
                                recorded_by=reader, recorded_on=today)
    landlord = Landlord.objects.create(**scoped, name="Utleier AS")
    PrivateLease.objects.create(
        **scoped, landlord=landlord, resident=resident, street_address="Privatveien 2",
        postal_code="4306", postal_place="Sandnes", monthly_rent=Decimal(8000),
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=100), arranged_by=reader)
    RentArrears.objects.create(**scoped, tenancy=tenancy, amount=Decimal(5000),
                               months_behind=1, recorded_on=today, recorded_by=reader,
                               category=Category.HOUSING)
    order = work_order_create(dwelling=dwelling, kind="guidance", due_on=today, by=None,
                              description="Vise hvordan komfyren slås av", resident=resident)
    WorkOrderPhoto.objects.create(work_order=order, image="work_orders/komfyr.jpg",
                                  content_type="image/jpeg", uploaded_by=reader,
                                  uploaded_at=now)

    application = Application.objects.create(
        **scoped, applicant=resident, registered_on=today, officer=reader, case=case,
        state_since=today, wishes="Nær søsteren", wished_area="Sentrum")
    criterion = AllocationCriterion.objects.create(**scoped, text="18 år eller eldre")
    CriterionAssessment.objects.create(application=application, criterion=criterion,
                                       verdict="met", note="Født 1990")
    Statement.objects.create(application=application, unit=units[UnitKind.FOLLOWUP],
                             requested_on=today, due_on=today, requested_by=reader,
                             text="Trenger tett oppfølging", given_on=today, written_by=worker)
    Decision.objects.create(application=application, kind="dwelling", granted=True,
                            reasons="Uten bolig", legal_basis="Boligsosial lov § 10",
                            decided_on=today, decided_by=reader)
    Offer.objects.create(application=application, dwelling=dwelling, offered_on=today,
                         answer_by=today, offered_by=reader, viewing_companions="Søsteren")
    allocation = AllocationRow.objects.create(
        **scoped, application=application, dwelling=dwelling, allocated_on=today,
        meeting_deadline=today, allocated_by=reader)
    JointMeeting.objects.create(allocation=allocation, note="Trenger seng")
    MoveInTask.objects.create(allocation=allocation, title="Nøkler",
                              unit=units[UnitKind.HOUSING], due_on=today)

    loan = registered(resident, by=reader)
    HomePurchase.objects.create(**scoped, resident=resident, purchased_on=today, loan=loan,
                                registered_by=reader)

    agreement = followup.agreement_create(
        resident=resident, team=team, primary_contact=worker,
        start_date=today - datetime.timedelta(days=30), by=None)
    if not Visit.objects.filter(agreement=agreement).exists():
        Visit.objects.create(**scoped, agreement=agreement, week_start=today,
                             planned_on=today, assigned_to=worker)
    meeting = CoordinationMeeting.objects.create(
        **scoped, agreement=agreement, opened_on=today, due_on=today,
        needed_now="Hjelp med strømmen", next_steps="Møte med NAV")
    CoordinationTask.objects.create(meeting=meeting, title="Ringe NAV",
                                    unit=units[UnitKind.NAV], due_on=today)
    PlanVersion.objects.create(**scoped, resident=resident, kind="crisis", number=1,
                               answers={"what_helps": "Ro"}, review_on=today,
                               written_by=worker, written_at=now)
    RedBoardEntry.objects.create(**scoped, team=team, resident=resident, put_on_at=now,
                                 put_on_by=worker, reason_on="Ingen kontakt på to uker")
    Review.objects.create(**scoped, team=team, resident=resident, held_on=today,
                          what_matters_now="Beholde boligen", next_steps="Besøk fredag",
                          written_by=worker)

    consent = Consent.objects.create(**scoped, resident=resident, categories=["followup"],
                                     purpose="Å beholde boligen", given_on=today,
                                     form="written", recorded_by=worker)
    consent.to_units.set([units[UnitKind.NAV]])
    BreakGlass.objects.create(**scoped, user=outsider, resident=resident, reason="danger",
                              explanation="Naboen ringte om røyk",
                              started_at=now - datetime.timedelta(days=1),
                              expires_at=now - datetime.timedelta(hours=12),
                              review_note="Var nødvendig")
    return {"resident": resident, "reader": reader, "worker": worker,
            "officer": make_staff(Role.HOUSING_OFFICER, team=team, username="bolig"),
            "municipality": municipality}


def test_the_copy_holds_every_declared_kind_for_a_reader_of_every_category(everything):
    resident, municipality = everything["resident"], everything["municipality"]
    staff = staff_context_for(everything["reader"], municipality.pk)
    assert resident_access(staff, resident).categories == set(Category.values)
    # Given a row of every declared kind and part for the resident
    for model, _spec, rows in _rows(resident):
        assert rows.exists(), f"the fixture has no {model._meta.label_lower}"
    # When a reader of every category makes the copy
    copy = data_copy(staff=staff, resident=resident)
    # Then every declared section is there, with a record, in the declared order
    sections = {s["key"]: s for s in copy["sections"]}
    declared = [d.key for d in persondata.declarations()]
    assert [s["key"] for s in copy["sections"]] == [
        *declared, "corrections", "access_log", "seen_in_lists"]
    empty = [key for key in declared if not sections[key]["records"]]
    assert not empty
    # And the parts follow their row: the application, its assessment, decision, offer,
    # allocation, joint meeting and move-in task
    assert len(sections["applications"]["records"]) == 7
    assert not copy["held_elsewhere"]
    # And the file carries them, the address shown to a reader cleared to see it
    file = data_copy_json(copy)
    assert set(declared) <= set(file["sections"])
    assert file["sections"]["work_orders"][0]["dwelling"].startswith("Testveien")


def test_the_copy_of_a_housing_officer_holds_no_follow_up_nor_health_information(everything):
    resident = everything["resident"]
    staff = staff_context_for(everything["officer"], everything["municipality"].pk)
    copy = data_copy(staff=staff, resident=resident)
    keys = {s["key"] for s in copy["sections"]}
    assert {"work_orders", "home_purchases", "emergency_access", "applications"} <= keys
    assert not keys & {"coordination_meetings", "visits", "statements", "notes_health",
                       "notes_followup", "red_board"}
    text = json.dumps(data_copy_json(copy), ensure_ascii=False, default=str)
    for written in (HEALTH_NOTE, "Hjelp med strømmen", "Naboen ringte", "Var nødvendig"):
        assert written not in text


def test_anonymisation_blanks_every_declared_free_text_field(everything, municipality):
    resident = everything["resident"]
    bystander = ResidentFactory(municipality=municipality)
    people.resident_note_write(resident=bystander, category=Category.HOUSING,
                               text="Om en annen", by=everything["reader"])
    # Given something written in every field the apps declare blanked
    blanked = [(model, spec, rows) for model, spec, rows in _rows(resident)
               if spec.anonymise_fields]
    for _model, spec, rows in blanked:
        rows.update(**dict.fromkeys(spec.anonymise_fields, MARKER))
    # When the resident is anonymised
    retention_anonymise(resident, by=None, today=timezone.localdate())
    # Then each of those fields is empty, in every row of the resident's
    for model, spec, rows in blanked:
        assert rows.exists(), model
        for name in spec.anonymise_fields:
            assert not rows.exclude(**{name: ""}).exists(), (model, name)
    # And the person is a number, the events about them say only that they were anonymised
    resident.refresh_from_db()
    assert resident.given_name == "Anonymisert" and resident.family_name == f"#{resident.pk}"
    assert resident.primary_contact is None and resident.anonymised_on is not None
    registered_event = DomainEvent.objects.get(
        name="resident.registered", target_type="people.resident", target_id=str(resident.pk))
    assert registered_event.changes == {"anonymised": True}
    assert DomainEvent.objects.filter(name="resident.anonymised",
                                      target_id=str(resident.pk)).count() == 1
    # And nothing of anyone else's was touched
    assert bystander.notes.get().text == "Om en annen"
