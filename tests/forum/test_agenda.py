"""The generated agenda contains exactly what is due (docs/decisions/0019): for every line of
the definition a row that is due and one just outside it, and the same in another
municipality, which never shows."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from husly.access.policy import staff_context_for
from husly.accounts.models import Role
from husly.allocation import services as allocation
from husly.allocation.models import MoveInTask
from husly.board import services as board
from husly.forum import selectors
from husly.housing import services as housing
from husly.housing.models import RentArrears
from husly.people.models import ProtectedAddress
from tests.allocation.test_services import allocate, grant, register
from tests.factories import (
    DwellingFactory,
    MunicipalityFactory,
    ResidentFactory,
    TeamFactory,
    TenancyFactory,
    staff_make,
)
from tests.forum.conftest import TODAY, at

DAY = datetime.timedelta(days=1)


def _tenancy(municipality, street, residents=None, **kwargs):
    residents = residents or [ResidentFactory(municipality=municipality)]
    kwargs.setdefault("start_date", TODAY - 300 * DAY)
    return TenancyFactory(dwelling=DwellingFactory(municipality=municipality,
                                                   street_address=street),
                          residents=residents, **kwargs)


def _moved_in(flow, application):
    found = allocate(flow, application, dwelling=DwellingFactory(
        municipality=flow["municipality"], street_address="Innflyttet 1"))
    allocation.joint_meeting_hold(meeting=found.meeting, held_on=TODAY, attendees=[],
                                  note="", assignees={}, by=flow["officer"])
    for task in MoveInTask.objects.filter(allocation=found).select_related("work_order"):
        if task.work_order_id:
            housing.work_order_complete(work_order=task.work_order, what_was_done="Klar",
                                        by=flow["caretaker"])
        else:
            allocation.move_in_task_complete(task=task, by=flow["officer"])
    allocation.allocation_move_in(allocation=found, moved_in_on=TODAY,
                                  monthly_rent=Decimal("7000"), by=flow["officer"])
    return found


def _world(municipality, team, leader, flow=None):
    """One municipality's dwellings and tenancies on both sides of every line. Returns
    {section: (set of due ids, set of ids not due)} by the id each row carries."""
    m = municipality
    due = {key: set() for key, *_rest in selectors.SECTIONS}
    not_due = {key: set() for key in due}
    # Vacant and being prepared: due; let, out of service: not.
    with time_machine.travel(at(TODAY - 20 * DAY)):
        long_vacant = DwellingFactory(municipality=m, street_address="Ledig 1")
    due["vacant"].add(long_vacant.pk)
    due["vacant"].add(DwellingFactory(municipality=m, street_address="Klargjøres 2",
                                      status="being_prepared").pk)
    not_due["vacant"].add(DwellingFactory(municipality=m, street_address="Ute av drift 3",
                                          status="out_of_service").pk)
    let = _tenancy(m, "Utleid 4")
    not_due["vacant"].add(let.dwelling_id)
    # A dwelling whose last tenancy ended ten days ago: vacant since then
    with time_machine.travel(at(TODAY - 400 * DAY)):
        left = _tenancy(m, "Fraflyttet 5", start_date=TODAY - 390 * DAY)
    housing.tenancy_end(tenancy=left, end_date=TODAY - 10 * DAY, end_reason="planned_move",
                        housing_situation_after="own_home", by=None)
    due["vacant"].add(left.dwelling_id)

    # Damage: open repair orders; not done ones, nor other kinds.
    target = let.dwelling
    order = housing.work_order_create(dwelling=target, kind="repair", description="Knust vindu",
                                      due_on=TODAY + 7 * DAY, by=None)
    due["damage"].add(order.pk)
    done = housing.work_order_create(dwelling=target, kind="repair", description="Dør",
                                     due_on=TODAY, by=None)
    housing.work_order_complete(work_order=done, what_was_done="Fikset", by=None)
    not_due["damage"].add(done.pk)
    for kind in ("maintenance", "guidance"):
        not_due["damage"].add(housing.work_order_create(
            dwelling=target, kind=kind, description="Annet", due_on=TODAY, by=None).pk)

    # At risk: current tenancies with a resident on the red board now, or unsettled arrears.
    red = ResidentFactory(municipality=m, team=team, given_name="Rød", family_name="Tavlesen")
    on_red = _tenancy(m, "Rødtavle 6", residents=[red])
    board.red_board_put(team=team, resident=red, reason="Uro", by=leader)
    due["at_risk"].add(on_red.pk)
    owing = ResidentFactory(municipality=m, team=team, given_name="Skyldig",
                            family_name="Husleiesen")
    in_arrears = _tenancy(m, "Restanse 7", residents=[owing])
    housing.rent_arrears_record(tenancy=in_arrears, amount=Decimal("9000"), months_behind=2,
                                category="housing", by=leader)
    due["at_risk"].add(in_arrears.pk)
    settled = _tenancy(m, "Betalt 8")
    arrears = housing.rent_arrears_record(tenancy=settled, amount=Decimal("3000"),
                                          months_behind=1, category="housing", by=leader)
    # No service settles arrears yet: the row is marked settled as the ledger would.
    RentArrears.objects.filter(pk=arrears.pk).update(settled_on=TODAY - DAY)
    not_due["at_risk"].add(settled.pk)
    calmer = ResidentFactory(municipality=m, team=team)
    taken_off = _tenancy(m, "Roligere 9", residents=[calmer])
    board.red_board_put(team=team, resident=calmer, reason="Uro", by=leader)
    board.red_board_take_off(team=team, resident=calmer, reason="Bedre", primary_contact=leader,
                             by=leader)
    not_due["at_risk"].add(taken_off.pk)
    gone = ResidentFactory(municipality=m, team=team)
    ended = _tenancy(m, "Avsluttet 10", residents=[gone])
    housing.tenancy_end(tenancy=ended, end_date=TODAY - DAY, end_reason="eviction", by=None)
    due["vacant"].add(ended.dwelling_id)
    board.red_board_put(team=team, resident=gone, reason="Uten bolig", by=leader)
    not_due["at_risk"].add(ended.pk)
    not_due["at_risk"].add(let.pk)

    # Lease ends: within 90 days (the 90th day included), passed and still running, or an
    # end date set within 90 days; not the 91st day, not an ended tenancy.
    for days, is_due in ((90, True), (91, False), (-5, True)):
        tenancy = _tenancy(m, f"Tidsbestemt {days}", fixed_term_end=TODAY + days * DAY,
                           start_date=TODAY - 700 * DAY)
        (due if is_due else not_due)["lease_ends"].add(tenancy.pk)
    moving = _tenancy(m, "Flytter 11")
    housing.tenancy_end(tenancy=moving, end_date=TODAY + 30 * DAY, end_reason="planned_move",
                        by=None)
    due["lease_ends"].add(moving.pk)
    later = _tenancy(m, "Flytter senere 12", fixed_term_end=TODAY + 10 * DAY)
    housing.tenancy_end(tenancy=later, end_date=TODAY + 100 * DAY, end_reason="planned_move",
                        by=None)
    not_due["lease_ends"].add(later.pk)
    with time_machine.travel(at(TODAY - 400 * DAY)):
        old = _tenancy(m, "Gammel 13", start_date=TODAY - 390 * DAY,
                       fixed_term_end=TODAY + 20 * DAY)
    housing.tenancy_end(tenancy=old, end_date=TODAY - 2 * DAY, end_reason="planned_move",
                        by=None)
    not_due["lease_ends"].add(old.pk)
    due["vacant"].add(old.dwelling_id)
    not_due["lease_ends"].add(let.pk)

    # Planned moves: allocated and not moved in; moved in is not.
    if flow is not None:
        waiting = register(flow)
        grant(flow, waiting)
        found = allocate(flow, waiting)
        due["moves"].add(found.pk)
        due["vacant"].add(found.dwelling_id)  # still empty until the keys are handed over
        mover = ResidentFactory(municipality=m, team=team)
        moved = register(flow, applicant=mover)
        grant(flow, moved)
        not_due["moves"].add(_moved_in(flow, moved).pk)
    return due, not_due


ROW_ID = {"vacant": "dwelling", "damage": "work_order", "at_risk": "tenancy",
          "moves": "allocation", "lease_ends": "tenancy"}


def _ids(sections):
    return {s.key: {row[ROW_ID[s.key]] for row in s.rows} for s in sections}


def _foreign():
    """Another municipality with something due in every section."""
    other = MunicipalityFactory(name="Andre kommune")
    team = TeamFactory(municipality=other)
    leader = staff_make(municipality=other, role=Role.TEAM_LEADER, team=team)
    return _world(other, team, leader)


def test_the_agenda_contains_exactly_what_is_due(forum, flow):
    # Given both municipalities with rows on both sides of every line
    due, not_due = _world(forum["municipality"], forum["team"], forum["leader"], flow=flow)
    foreign_due, _ = _foreign()
    # When the property manager opens the agenda
    staff = staff_context_for(forum["property"], forum["municipality"].pk)
    sections = selectors.agenda_generated(staff=staff)
    found = _ids(sections)
    # Then each section holds exactly its due rows: none of the others, none from elsewhere
    for key, ids in due.items():
        assert found[key] == ids, key
        assert not found[key] & not_due[key], key
        assert not found[key] & foreign_due[key], key
    counted = {s.key: s.total for s in sections}
    assert counted == {key: len(ids) for key, ids in due.items()}


def test_days_vacant_count_from_the_last_tenancy_or_registration(forum):
    _world(forum["municipality"], forum["team"], forum["leader"])
    staff = staff_context_for(forum["property"], forum["municipality"].pk)
    vacant = next(s for s in selectors.agenda_generated(staff=staff) if s.key == "vacant")
    by_street = {row["address"].split(" H")[0]: row for row in vacant.rows}
    assert by_street["Ledig 1"]["days"] == 20
    assert by_street["Ledig 1"]["since"] == TODAY - 20 * DAY
    assert by_street["Fraflyttet 5"]["days"] == 10
    assert by_street["Klargjøres 2"]["days"] == 0
    # Longest vacant first
    assert [row["days"] for row in vacant.rows] == sorted(
        (row["days"] for row in vacant.rows), reverse=True)


def test_lease_ends_say_what_ends(forum):
    _world(forum["municipality"], forum["team"], forum["leader"])
    staff = staff_context_for(forum["property"], forum["municipality"].pk)
    ends = next(s for s in selectors.agenda_generated(staff=staff) if s.key == "lease_ends")
    kinds = {row["address"].split(" H")[0]: row["kind"] for row in ends.rows}
    assert kinds == {"Tidsbestemt 90": "fixed_term", "Tidsbestemt -5": "fixed_term_passed",
                     "Flytter 11": "ends"}
    assert [row["on"] for row in ends.rows] == sorted(row["on"] for row in ends.rows)


def _risk_rows(user, municipality):
    """{street: (people, reasons)} of the at-risk section, in English."""
    staff = staff_context_for(user, municipality.pk)
    with translation.override("en"):
        sections = selectors.agenda_generated(staff=staff)
    section = next(s for s in sections if s.key == "at_risk")
    return {row["address"].split(" H")[0]: (row["people"], row["reasons"])
            for row in section.rows}


def test_at_risk_names_and_reasons_follow_the_access_rules(forum):
    _world(forum["municipality"], forum["team"], forum["leader"])
    m = forum["municipality"]
    # The property department: no names (no work relation), the rent arrears it reads as
    # housing information, but not the red board (follow-up information)
    rows = _risk_rows(forum["property"], m)
    assert rows["Rødtavle 6"] == ("a resident (name not shown)", ["at risk"])
    assert rows["Restanse 7"] == ("a resident (name not shown)", ["rent arrears"])
    # The housing officer on the team: names beside the address, arrears, not the red board
    rows = _risk_rows(forum["officer"], m)
    assert rows["Rødtavle 6"] == ("Rød Tavlesen", ["at risk"])
    assert rows["Restanse 7"] == ("Skyldig Husleiesen", ["rent arrears"])
    # The follow-up worker on the team: the red board, not the (housing) arrears, no names
    rows = _risk_rows(forum["worker"], m)
    assert rows["Rødtavle 6"] == ("a resident (name not shown)", ["red board"])
    assert rows["Restanse 7"] == ("a resident (name not shown)", ["at risk"])
    # A follow-up worker with no relation to the residents does not see the red board
    stranger = staff_make(municipality=m, role=Role.FOLLOWUP_WORKER)
    rows = _risk_rows(stranger, m)
    assert rows["Rødtavle 6"] == ("a resident (name not shown)", ["at risk"])


def test_a_protected_address_keeps_the_name_away_from_the_dwelling(forum):
    from husly.people import services as people

    _world(forum["municipality"], forum["team"], forum["leader"])
    m = forum["municipality"]
    resident = ResidentFactory(municipality=m, team=forum["team"], given_name="Skjult",
                               family_name="Adressesen")
    people.resident_update(resident=resident, protected_address=ProtectedAddress.CONFIDENTIAL,
                           by=forum["officer"])
    tenancy = _tenancy(m, "Fortrolig 14", residents=[resident])
    housing.rent_arrears_record(tenancy=tenancy, amount=Decimal("500"), months_behind=1,
                                category="housing", by=forum["officer"])
    rows = _risk_rows(forum["officer"], m)
    assert rows["Fortrolig 14"][0] == "a resident (name not shown)"
    assert rows["Restanse 7"][0] == "Skyldig Husleiesen"


def test_nav_arrears_show_as_at_risk_to_the_property_department(forum):
    m = forum["municipality"]
    tenancy = _tenancy(m, "NAV-restanse 15")
    nav = staff_make(municipality=m, role=Role.NAV_COUNSELLOR)
    housing.rent_arrears_record(tenancy=tenancy, amount=Decimal("800"), months_behind=1,
                                category="nav", by=nav)
    assert _risk_rows(forum["property"], m)["NAV-restanse 15"][1] == ["at risk"]


def _queries(staff):
    with CaptureQueriesContext(connection) as ctx:
        selectors.agenda_generated(staff=staff)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("limit", [selectors.AGENDA_LIMIT])
def test_the_agenda_is_counted_in_a_fixed_number_of_queries(forum, flow, limit):
    # Given one world, measured, and the same world three times over
    m = forum["municipality"]
    _world(m, forum["team"], forum["leader"], flow=flow)
    staff = staff_context_for(forum["officer"], m.pk)
    small = _queries(staff)
    for n in range(2):
        for street in (f"Mer ledig {n}", f"Enda mer ledig {n}"):
            DwellingFactory(municipality=m, street_address=street)
        resident = ResidentFactory(municipality=m, team=forum["team"])
        tenancy = _tenancy(m, f"Mer risiko {n}", residents=[resident],
                           fixed_term_end=TODAY + 30 * DAY)
        housing.rent_arrears_record(tenancy=tenancy, amount=Decimal("100"), months_behind=1,
                                    category="housing", by=forum["officer"])
        housing.work_order_create(dwelling=tenancy.dwelling, kind="repair", description="Mer",
                                  due_on=TODAY, by=None)
        applicant = ResidentFactory(municipality=m, team=forum["team"])
        application = register(flow, applicant=applicant)
        grant(flow, application)
        allocate(flow, application, dwelling=DwellingFactory(municipality=m,
                                                              street_address=f"Tildelt {n}"))
    # Then the larger world takes no more queries than the small one
    assert _queries(staff) <= small
    # And a section longer than the page is counted, not listed in full
    sections = {s.key: s for s in selectors.agenda_generated(staff=staff, limit=2)}
    assert len(sections["vacant"].rows) == 2 and sections["vacant"].more > 0
