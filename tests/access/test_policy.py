import datetime

import pytest
from django.utils import timezone

from husly.access.models import AccessBasis, BreakGlass
from husly.access.policy import resident_access, residents_visible, staff_context_for
from husly.access.services import consent_record, consent_withdraw
from husly.accounts.models import Role, Unit, UnitKind
from husly.common.models import Category
from husly.people import services as people
from tests.factories import ResidentFactory


def ctx(user):
    return staff_context_for(user, None)


@pytest.fixture
def resident(municipality, team):
    return ResidentFactory(municipality=municipality, team=team)


def _consent(resident, *, to_kind, categories, recorded_by, **dates):
    municipality = resident.municipality
    return consent_record(
        resident=resident, categories=categories, purpose="Å beholde boligen", form="written",
        by=recorded_by,
        given_on=dates.get("given_on", timezone.localdate() - datetime.timedelta(days=1)),
        expires_on=dates.get("expires_on"),
        from_units=Unit.objects.filter(municipality=municipality, kind=UnitKind.FOLLOWUP),
        to_units=Unit.objects.filter(municipality=municipality, kind=to_kind),
    )


def test_each_role_reads_its_own_units_categories(make_staff, team, resident):
    expectations = {
        Role.HOUSING_OFFICER: {Category.HOUSING},
        Role.NAV_COUNSELLOR: {Category.NAV},
        Role.FOLLOWUP_WORKER: {Category.FOLLOWUP},
    }
    for role, categories in expectations.items():
        user = make_staff(role, team=team)
        access = resident_access(ctx(user), resident)
        assert access.basis == AccessBasis.TEAM
        assert access.categories == categories, role


def test_health_needs_health_personnel(make_staff, team, resident):
    nurse = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    assert resident_access(ctx(nurse), resident).categories == {
        Category.FOLLOWUP, Category.HEALTH}
    other = make_staff(Role.FOLLOWUP_WORKER, team=team, health=False)
    access = resident_access(ctx(other), resident)
    assert Category.HEALTH not in access.categories
    assert any(h.category == Category.HEALTH for h in access.hidden)


def test_consent_opens_another_units_category_and_withdrawal_closes_it(
    make_staff, team, resident
):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    assert Category.FOLLOWUP not in resident_access(ctx(nav), resident).categories
    consent = _consent(resident, to_kind=UnitKind.NAV, categories=[Category.FOLLOWUP],
                       recorded_by=worker)
    assert resident_access(ctx(nav), resident).categories == {Category.NAV, Category.FOLLOWUP}
    consent_withdraw(consent=consent, on=timezone.localdate(), by=worker)
    assert resident_access(ctx(nav), resident).categories == {Category.NAV}


def test_expired_consent_opens_nothing(make_staff, team, resident):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    today = timezone.localdate()
    _consent(resident, to_kind=UnitKind.NAV, categories=[Category.FOLLOWUP], recorded_by=worker,
             given_on=today - datetime.timedelta(days=30),
             expires_on=today - datetime.timedelta(days=1))
    assert Category.FOLLOWUP not in resident_access(ctx(nav), resident).categories


def test_consent_to_another_unit_does_not_help(make_staff, team, resident):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    make_staff(Role.HOUSING_OFFICER)  # creates the housing unit
    _consent(resident, to_kind=UnitKind.HOUSING, categories=[Category.FOLLOWUP],
             recorded_by=worker)
    assert Category.FOLLOWUP not in resident_access(ctx(nav), resident).categories


def test_without_a_work_relation_there_is_no_access(make_staff, resident):
    outsider = make_staff(Role.FOLLOWUP_WORKER)
    access = resident_access(ctx(outsider), resident)
    assert not access.allowed
    assert access.denied_reason
    assert resident not in residents_visible(ctx(outsider))


def test_primary_contact_and_open_case_are_work_relations(make_staff, municipality):
    contact = make_staff(Role.FOLLOWUP_WORKER)
    resident = ResidentFactory(municipality=municipality, primary_contact=contact)
    assert resident_access(ctx(contact), resident).basis == AccessBasis.PRIMARY_CONTACT
    officer = make_staff(Role.HOUSING_OFFICER)
    unit = officer.role_assignments.get().unit
    case = people.case_open(resident=resident, unit=unit, assigned_to=officer, by=officer)
    assert resident_access(ctx(officer), resident).basis == AccessBasis.CASE
    assert list(residents_visible(ctx(officer))) == [resident]
    people.case_close(case=case, by=officer)
    assert not resident_access(ctx(officer), resident).allowed


def test_break_the_glass_gives_time_limited_access(make_staff, resident):
    outsider = make_staff(Role.FOLLOWUP_WORKER)
    now = timezone.now()
    grant = BreakGlass.objects.create(
        municipality=resident.municipality, user=outsider, resident=resident, reason="akutt",
        explanation="Beboer i krise", started_at=now, expires_at=now + datetime.timedelta(hours=12),
    )
    assert resident_access(ctx(outsider), resident).basis == AccessBasis.BREAK_GLASS
    grant.expires_at = now - datetime.timedelta(minutes=1)
    grant.save()
    assert not resident_access(ctx(outsider), resident).allowed


@pytest.mark.parametrize("role", [Role.CARETAKER, Role.ANALYST, Role.ADMINISTRATOR])
def test_roles_that_read_no_resident_data(make_staff, team, resident, role):
    user = make_staff(role, team=team if role == Role.CARETAKER else None)
    assert not resident_access(ctx(user), resident).allowed
    assert not residents_visible(ctx(user)).exists()


def test_staff_see_nothing_of_another_municipality(make_staff, other_municipality):
    worker = make_staff(Role.FOLLOWUP_WORKER)
    foreign = ResidentFactory(municipality=other_municipality, primary_contact=None)
    with pytest.raises(ValueError):
        resident_access(ctx(worker), foreign)
    assert not residents_visible(ctx(worker)).filter(pk=foreign.pk).exists()
