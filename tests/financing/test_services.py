"""The financing pathway's states and refusals, the bostøtte month rule, the appeal deadline
and the home purchase that ends a tenancy as "bought own home"."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from husly.access.policy import staff_context_for
from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.financing import services
from husly.financing.models import FinancingApplication, FinancingKind, FinancingStatus
from husly.financing.rules import appeal_deadline, bostotte_deadline, bostotte_for_month
from husly.housing.models import DwellingStatus, TenancyEndReason
from husly.outcomes.models import HomelessEpisode
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory
from tests.financing.helpers import granted, registered

TZ = timezone.get_current_timezone()
D = datetime.date


def _at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ))


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture
def resident(municipality, team):
    return ResidentFactory(municipality=municipality, team=team)


# --- register and submit -------------------------------------------------------------------

@_at(D(2026, 3, 10))
def test_register_files_each_kind_under_the_unit_that_handles_it(resident):
    # Given a resident; when a startlån and a deposit guarantee are registered
    loan = registered(resident, kind=FinancingKind.STARTLAN)
    guarantee = registered(resident, kind=FinancingKind.DEPOSIT_GUARANTEE,
                           amount=Decimal(25_000))
    # Then the startlån is housing information and the guarantee NAV information, both sent
    # today, and each registration is one event with the amounts
    assert (loan.category, guarantee.category) == ("housing", "nav")
    assert loan.status == FinancingStatus.SUBMITTED and loan.applied_on == D(2026, 3, 10)
    event = DomainEvent.objects.get(name="financing.registered", target_id=str(loan.pk))
    assert event.changes["amount_applied"] == "2000000"
    assert event.changes["category"] == "housing"


def test_amount_is_required_except_for_bostotte_and_never_negative_or_fractional(resident):
    # Given no amount for a startlån: refused, nothing saved
    with pytest.raises(ValidationError) as exc:
        registered(resident, amount=None)
    assert "amount_applied" in exc.value.message_dict
    # A negative or a fractional amount: refused with what to write
    for bad in (Decimal(-1), Decimal("100.5"), "tusen"):
        with pytest.raises(ValidationError) as exc:
            registered(resident, amount=bad)
        assert "amount_applied" in exc.value.message_dict
    assert not FinancingApplication.objects.exists()
    # Bostøtte's monthly amount may be unknown
    allowance = registered(resident, kind=FinancingKind.BOSTOTTE, amount=None)
    assert allowance.amount_applied is None


@_at(D(2026, 3, 10))
def test_a_draft_is_sent_once_and_a_future_date_is_refused(resident):
    # Given a draft
    draft = registered(resident, submitted=False)
    assert draft.status == FinancingStatus.DRAFT and draft.applied_on is None
    # When it is sent tomorrow: refused
    with pytest.raises(ValidationError):
        services.financing_submit(application=draft, applied_on=D(2026, 3, 11), by=None)
    # When it is sent today: submitted; a second send is refused
    sent = services.financing_submit(application=draft, applied_on=D(2026, 3, 10), by=None)
    assert sent.status == FinancingStatus.SUBMITTED
    with pytest.raises(ValidationError) as exc:
        services.financing_submit(application=draft, applied_on=D(2026, 3, 10), by=None)
    assert "Only a draft" in _messages(exc) or "utkast" in _messages(exc)


# --- the bostøtte month rule ---------------------------------------------------------------

@pytest.mark.parametrize(("applied_on", "for_month"), [
    (D(2026, 3, 1), D(2026, 4, 1)),
    (D(2026, 3, 25), D(2026, 4, 1)),   # on the 25th: next month
    (D(2026, 3, 26), D(2026, 5, 1)),   # after the 25th: the month after
    (D(2026, 12, 25), D(2027, 1, 1)),
    (D(2026, 12, 31), D(2027, 2, 1)),
])
def test_bostotte_counts_for_next_month_when_sent_by_the_25th(applied_on, for_month):
    assert bostotte_for_month(applied_on) == for_month


@pytest.mark.parametrize(("today", "deadline", "days_left", "for_month"), [
    (D(2026, 3, 24), D(2026, 3, 25), 1, D(2026, 4, 1)),
    (D(2026, 3, 25), D(2026, 3, 25), 0, D(2026, 4, 1)),
    (D(2026, 3, 26), D(2026, 4, 25), 30, D(2026, 5, 1)),
    (D(2026, 12, 28), D(2027, 1, 25), 28, D(2027, 2, 1)),
])
def test_the_next_bostotte_deadline_and_days_left(today, deadline, days_left, for_month):
    assert bostotte_deadline(today) == {"deadline": deadline, "days_left": days_left,
                                        "for_month": for_month}


def test_a_bostotte_application_records_its_month_on_both_sides_of_the_25th(resident):
    # Given it is the 25th: an application sent today counts for next month
    with _at(D(2026, 5, 25)):
        on_time = registered(resident, kind=FinancingKind.BOSTOTTE, amount=Decimal(3000))
    # Given it is the 26th: it counts for the month after
    with _at(D(2026, 5, 26)):
        late = registered(resident, kind=FinancingKind.BOSTOTTE, amount=None)
        draft = registered(resident, kind=FinancingKind.BOSTOTTE, amount=None,
                           submitted=False)
    assert on_time.for_month == D(2026, 6, 1)
    assert late.for_month == D(2026, 7, 1)
    assert draft.for_month is None
    # A draft sent on the 20th of the next month counts for the month after that
    with _at(D(2026, 6, 20)):
        sent = services.financing_submit(application=draft, applied_on=D(2026, 6, 20), by=None)
    assert sent.for_month == D(2026, 7, 1)
    # Only bostøtte has a payment month
    with _at(D(2026, 5, 25)):
        assert registered(resident).for_month is None


# --- decisions ------------------------------------------------------------------------------

@_at(D(2026, 4, 1))
def test_a_grant_larger_than_its_application_is_refused_with_both_amounts(resident):
    # Given a startlån of 2 000 000 kr
    loan = registered(resident)
    # When 2 500 000 kr is granted: refused, the message names both amounts, nothing saved
    with pytest.raises(ValidationError) as exc:
        services.financing_decide(application=loan, outcome=FinancingStatus.GRANTED,
                                  amount_granted=Decimal(2_500_000),
                                  decided_on=D(2026, 4, 1), by=None)
    assert "amount_granted" in exc.value.message_dict
    text = _messages(exc)
    assert "2\xa0500\xa0000" in text and "2\xa0000\xa0000" in text
    loan.refresh_from_db()
    assert loan.status == FinancingStatus.SUBMITTED and loan.amount_granted is None
    # And the database holds the same rule
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingApplication.objects.filter(pk=loan.pk).update(
            status=FinancingStatus.GRANTED, decided_on=D(2026, 4, 1),
            amount_granted=Decimal(2_500_000))


@_at(D(2026, 4, 1))
def test_granted_in_full_by_default_and_less_than_applied_is_a_partial_grant(resident):
    loan = registered(resident)
    # Less than applied, called granted: refused, asks for "partly granted"
    with pytest.raises(ValidationError) as exc:
        services.financing_decide(application=loan, outcome=FinancingStatus.GRANTED,
                                  amount_granted=Decimal(1_000_000),
                                  decided_on=D(2026, 4, 1), by=None)
    assert "status" in exc.value.message_dict
    # No amount: all that was applied for; the event carries the amounts, not the note
    decided = services.financing_decide(application=loan, outcome=FinancingStatus.GRANTED,
                                        decided_on=D(2026, 4, 1), decision_note="Privat",
                                        by=None)
    assert decided.amount_granted == Decimal(2_000_000)
    event = DomainEvent.objects.get(name="financing.decided")
    assert event.changes["amount_granted"] == "2000000"
    assert "Privat" not in str(event.changes)


@_at(D(2026, 4, 1))
@pytest.mark.parametrize(("amount", "ok"), [(None, False), (Decimal(0), False),
                                            (Decimal(2_000_000), False),
                                            (Decimal(1_500_000), True)])
def test_a_partial_grant_is_more_than_nothing_and_less_than_applied(resident, amount, ok):
    loan = registered(resident)
    decide = lambda: services.financing_decide(  # noqa: E731
        application=loan, outcome=FinancingStatus.PARTLY_GRANTED, amount_granted=amount,
        decided_on=D(2026, 4, 1), by=None)
    if ok:
        assert decide().amount_granted == amount
    else:
        with pytest.raises(ValidationError) as exc:
            decide()
        assert "amount_granted" in exc.value.message_dict


@_at(D(2026, 4, 1))
def test_bostotte_without_an_amount_is_granted_with_one_and_never_partly(resident):
    allowance = registered(resident, kind=FinancingKind.BOSTOTTE, amount=None)
    with pytest.raises(ValidationError) as exc:
        services.financing_decide(application=allowance,
                                  outcome=FinancingStatus.PARTLY_GRANTED,
                                  amount_granted=Decimal(2000), decided_on=D(2026, 4, 1),
                                  by=None)
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.financing_decide(application=allowance, outcome=FinancingStatus.GRANTED,
                                  decided_on=D(2026, 4, 1), by=None)
    assert "amount_granted" in exc.value.message_dict
    done = services.financing_decide(application=allowance, outcome=FinancingStatus.GRANTED,
                                     amount_granted=Decimal(2950), decided_on=D(2026, 4, 1),
                                     by=None)
    assert done.amount_granted == Decimal(2950)


@_at(D(2026, 4, 1))
def test_a_refusal_grants_nothing(resident):
    loan = registered(resident)
    with pytest.raises(ValidationError):
        services.financing_decide(application=loan, outcome=FinancingStatus.REFUSED,
                                  amount_granted=Decimal(10), decided_on=D(2026, 4, 1),
                                  by=None)
    refused = services.financing_decide(application=loan, outcome=FinancingStatus.REFUSED,
                                        decided_on=D(2026, 4, 1), by=None)
    assert refused.amount_granted is None


def test_only_a_submitted_application_is_decided(resident):
    with _at(D(2026, 4, 1)):
        draft = registered(resident, submitted=False)
        sent = registered(resident)
        withdrawn = services.financing_withdraw(application=registered(resident),
                                                on=D(2026, 4, 1), by=None)
    cases = {draft: "draft", withdrawn: "withdrawn"}
    with _at(D(2026, 4, 2)):
        for record, word in cases.items():
            with pytest.raises(ValidationError) as exc:
                services.financing_decide(application=record, outcome=FinancingStatus.GRANTED,
                                          decided_on=D(2026, 4, 2), by=None)
            assert word in _messages(exc) or record.get_status_display().lower() in (
                _messages(exc).lower())
            record.refresh_from_db()
            assert record.decided_on is None
        # A decision before the application, or in the future: refused
        for day in (D(2026, 3, 31), D(2026, 4, 3)):
            with pytest.raises(ValidationError) as exc:
                services.financing_decide(application=sent, outcome=FinancingStatus.GRANTED,
                                          decided_on=day, by=None)
            assert "decided_on" in exc.value.message_dict
        services.financing_decide(application=sent, outcome=FinancingStatus.GRANTED,
                                  decided_on=D(2026, 4, 2), by=None)
        # Decided once: a second decision comes only with an appeal
        with pytest.raises(ValidationError):
            services.financing_decide(application=sent, outcome=FinancingStatus.REFUSED,
                                      decided_on=D(2026, 4, 2), by=None)


def test_withdrawn_only_before_a_decision(resident):
    with _at(D(2026, 4, 1)):
        loan = granted(resident)
        with pytest.raises(ValidationError):
            services.financing_withdraw(application=loan, on=D(2026, 4, 1), by=None)
        draft = registered(resident, submitted=False)
        gone = services.financing_withdraw(application=draft, on=D(2026, 4, 1), by=None)
    assert gone.status == FinancingStatus.WITHDRAWN and gone.withdrawn_on == D(2026, 4, 1)


# --- appeals --------------------------------------------------------------------------------

def test_the_appeal_deadline_is_three_weeks_and_runs_past_a_weekend_or_holiday():
    # Decided Wednesday 1 April 2026: three weeks is Wednesday 22 April
    assert appeal_deadline(D(2026, 4, 1)) == D(2026, 4, 22)
    # Decided Saturday 4 April: 25 April is a Saturday, so Monday 27 April
    assert appeal_deadline(D(2026, 4, 4)) == D(2026, 4, 27)
    # Decided 26 April: 17 May is a Sunday and a holiday, 18 May the next business day
    assert appeal_deadline(D(2026, 4, 26)) == D(2026, 5, 18)


def test_only_a_refusal_or_partial_grant_is_appealed_within_three_weeks(resident):
    with _at(D(2026, 4, 1)):
        full = granted(resident)
        refused = granted(resident, outcome=FinancingStatus.REFUSED)
        partly = granted(resident, outcome=FinancingStatus.PARTLY_GRANTED,
                         amount_granted=Decimal(500_000))
        late = granted(resident, outcome=FinancingStatus.REFUSED)
    with _at(D(2026, 4, 23)):
        # A full grant cannot be appealed
        with pytest.raises(ValidationError) as exc:
            services.financing_appeal(application=full, lodged_on=D(2026, 4, 20), by=None)
        assert "lodged_on" not in getattr(exc.value, "message_dict", {})
        # On the last day: in time
        assert services.financing_appeal(application=refused, lodged_on=D(2026, 4, 22),
                                         by=None).status == FinancingStatus.APPEALED
        assert services.financing_appeal(application=partly, lodged_on=D(2026, 4, 10),
                                         by=None).status == FinancingStatus.APPEALED
        # The day after: refused, saying the deadline passed and when
        with pytest.raises(ValidationError) as exc:
            services.financing_appeal(application=late, lodged_on=D(2026, 4, 23), by=None)
        assert "lodged_on" in exc.value.message_dict
        assert "22. april 2026" in _messages(exc)
    late.refresh_from_db()
    assert late.status == FinancingStatus.REFUSED and late.appeal_lodged_on is None
    # An appeal is not decided again by a second appeal
    with _at(D(2026, 4, 23)), pytest.raises(ValidationError):
        services.financing_appeal(application=refused, lodged_on=D(2026, 4, 23), by=None)


def test_the_appeal_deadline_counts_from_when_the_decision_reached_the_resident(resident):
    with _at(D(2026, 4, 10)):
        record = registered(resident, applied_on=D(2026, 3, 1))
        services.financing_decide(application=record, outcome=FinancingStatus.REFUSED,
                                  decided_on=D(2026, 4, 1), notified_on=D(2026, 4, 8),
                                  by=None)
        record.refresh_from_db()
    assert record.appeal_deadline == D(2026, 4, 29)
    with _at(D(2026, 4, 29)):
        assert services.financing_appeal(application=record, lodged_on=D(2026, 4, 29),
                                         by=None).status == FinancingStatus.APPEALED


def test_the_appeal_decision(resident):
    with _at(D(2026, 4, 1)):
        partly = granted(resident, outcome=FinancingStatus.PARTLY_GRANTED,
                         amount_granted=Decimal(500_000))
        refused = granted(resident, outcome=FinancingStatus.REFUSED)
        not_appealed = granted(resident, outcome=FinancingStatus.REFUSED)
        for record in (partly, refused):
            services.financing_appeal(application=record, lodged_on=D(2026, 4, 1), by=None)
    with _at(D(2026, 5, 1)):
        # Not appealed: no appeal decision
        with pytest.raises(ValidationError):
            services.financing_appeal_decide(application=not_appealed,
                                             outcome=FinancingStatus.APPEAL_GRANTED,
                                             decided_on=D(2026, 5, 1), by=None)
        # A granted appeal above what was applied for, or not above the first grant: refused
        for amount in (Decimal(2_000_001), Decimal(500_000)):
            with pytest.raises(ValidationError) as exc:
                services.financing_appeal_decide(application=partly,
                                                 outcome=FinancingStatus.APPEAL_GRANTED,
                                                 amount_granted=amount,
                                                 decided_on=D(2026, 5, 1), by=None)
            assert "amount_granted" in exc.value.message_dict
        # A decision before the appeal was lodged: refused
        with pytest.raises(ValidationError):
            services.financing_appeal_decide(application=partly,
                                             outcome=FinancingStatus.APPEAL_GRANTED,
                                             decided_on=D(2026, 3, 31), by=None)
        won = services.financing_appeal_decide(application=partly,
                                               outcome=FinancingStatus.APPEAL_GRANTED,
                                               decided_on=D(2026, 5, 1), by=None)
        lost = services.financing_appeal_decide(application=refused,
                                                outcome=FinancingStatus.APPEAL_REFUSED,
                                                decided_on=D(2026, 5, 1), by=None)
    assert won.amount_granted == Decimal(2_000_000)
    assert lost.status == FinancingStatus.APPEAL_REFUSED and lost.amount_granted is None
    assert FinancingApplication.objects.granted().filter(pk__in=[won.pk, lost.pk]).count() == 1


def test_a_partial_grant_stands_when_its_appeal_is_refused(resident):
    with _at(D(2026, 4, 1)):
        partly = granted(resident, outcome=FinancingStatus.PARTLY_GRANTED,
                         amount_granted=Decimal(500_000))
        services.financing_appeal(application=partly, lodged_on=D(2026, 4, 1), by=None)
        lost = services.financing_appeal_decide(application=partly,
                                                outcome=FinancingStatus.APPEAL_REFUSED,
                                                decided_on=D(2026, 4, 1), by=None)
    assert lost.amount_granted == Decimal(500_000)
    assert FinancingApplication.objects.granted().filter(pk=lost.pk).exists()


# --- who may write what ---------------------------------------------------------------------

def test_each_unit_writes_only_its_own_kinds(municipality, team, make_staff, resident):
    nav = staff_context_for(make_staff(Role.NAV_COUNSELLOR, team=team), None)
    officer = staff_context_for(make_staff(Role.HOUSING_OFFICER, team=team), None)
    leader = staff_context_for(make_staff(Role.TEAM_LEADER, team=team), None)
    stranger = staff_context_for(make_staff(Role.NAV_COUNSELLOR), None)
    # NAV registers a deposit guarantee, the housing service a startlån
    services.financing_write_check(staff=nav, resident=resident,
                                   kind=FinancingKind.DEPOSIT_GUARANTEE)
    services.financing_write_check(staff=officer, resident=resident, kind=FinancingKind.STARTLAN)
    # The other way round: refused, saying who handles it
    with pytest.raises(ValidationError) as exc:
        services.financing_write_check(staff=nav, resident=resident,
                                       kind=FinancingKind.STARTLAN)
    assert "boligtjenesten" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.financing_write_check(staff=officer, resident=resident,
                                       kind=FinancingKind.FINANCIAL_HELP)
    assert "NAV" in _messages(exc)
    # A team leader reads financing but writes none; without a work relation: no access
    with pytest.raises(ValidationError):
        services.financing_write_check(staff=leader, resident=resident,
                                       kind=FinancingKind.BOSTOTTE)
    with pytest.raises(PermissionDenied):
        services.financing_write_check(staff=stranger, resident=resident,
                                       kind=FinancingKind.DEPOSIT_GUARANTEE)


# --- the home purchase ----------------------------------------------------------------------

def test_a_purchase_needs_a_granted_startlan(resident):
    with _at(D(2026, 4, 1)):
        granted(resident, kind=FinancingKind.ETABLERINGSTILSKUDD, amount=Decimal(100_000))
        granted(resident, outcome=FinancingStatus.REFUSED)
        registered(resident)
        with pytest.raises(ValidationError) as exc:
            services.home_purchase_register(resident=resident, purchased_on=D(2026, 4, 1),
                                            by=None)
    assert "startlån" in _messages(exc)
    assert not resident.home_purchases.exists()


def test_a_purchase_ends_the_tenancy_as_bought_own_home(municipality, resident, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER)
    dwelling = DwellingFactory(municipality=municipality)
    with _at(D(2025, 6, 1)):
        tenancy = TenancyFactory(dwelling=dwelling, residents=[resident],
                                 start_date=D(2025, 6, 1))
    with _at(D(2026, 4, 1)):
        granted(resident, by=officer, applied_on=D(2026, 2, 1), decided_on=D(2026, 3, 1))
        # Before the loan was granted: refused
        with pytest.raises(ValidationError) as exc:
            services.home_purchase_register(resident=resident, purchased_on=D(2026, 2, 20),
                                            by=officer)
        assert "purchased_on" in exc.value.message_dict
        purchase = services.home_purchase_register(resident=resident,
                                                   purchased_on=D(2026, 3, 31), by=officer)
        # Registered once only
        with pytest.raises(ValidationError):
            services.home_purchase_register(resident=resident, purchased_on=D(2026, 3, 31),
                                            by=officer)
    tenancy.refresh_from_db()
    resident.refresh_from_db()
    dwelling.refresh_from_db()
    assert purchase.tenancy == tenancy
    assert tenancy.end_date == D(2026, 3, 31)
    assert tenancy.end_reason == TenancyEndReason.BOUGHT_OWN_HOME
    assert not tenancy.is_unplanned_end
    assert resident.housing_situation == HousingSituation.OWN_HOME
    assert resident.housing_situation_since == D(2026, 3, 31)
    assert dwelling.status == DwellingStatus.VACANT
    # Not on the by-name list, and no re-settlement case
    assert not HomelessEpisode.objects.filter(resident=resident, ended_on__isnull=True).exists()
    assert not resident.cases.filter(kind="resettlement").exists()
    names = set(DomainEvent.objects.values_list("name", flat=True))
    assert {"home_purchase.registered", "tenancy.ended"} <= names


def test_a_purchase_without_a_tenancy_moves_the_resident_off_the_list(municipality, resident):
    with _at(D(2026, 4, 1)):
        assert HomelessEpisode.objects.filter(resident=resident, ended_on__isnull=True).exists()
        granted(resident, applied_on=D(2026, 2, 1), decided_on=D(2026, 3, 1))
        purchase = services.home_purchase_register(resident=resident,
                                                   purchased_on=D(2026, 3, 20), by=None)
    resident.refresh_from_db()
    assert purchase.tenancy is None
    assert resident.housing_situation == HousingSituation.OWN_HOME
    assert not HomelessEpisode.objects.filter(resident=resident, ended_on__isnull=True).exists()


def test_the_demo_shows_the_whole_pathway(municipality, team, make_staff):
    from husly.financing.demo import financing_demo

    staff = {"bolig": make_staff(Role.HOUSING_OFFICER, team=team),
             "nav": make_staff(Role.NAV_COUNSELLOR, team=team)}
    today = timezone.localdate()
    residents = [ResidentFactory(municipality=municipality, team=team) for _ in range(3)]
    for resident in residents:
        TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                       residents=[resident], start_date=today - datetime.timedelta(days=700))
    financing_demo(municipality, staff)
    records = FinancingApplication.objects.filter(municipality=municipality)
    assert set(records.values_list("kind", flat=True)) == set(FinancingKind.values)
    assert records.filter(kind=FinancingKind.STARTLAN).granted().count() == 2
    assert records.filter(status=FinancingStatus.APPEALED).exists()
    bought = residents[1]
    bought.refresh_from_db()
    assert bought.housing_situation == HousingSituation.OWN_HOME
    assert bought.tenancies.get().end_reason == TenancyEndReason.BOUGHT_OWN_HOME
