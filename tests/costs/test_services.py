"""Cost sharing: the rules of a shared position, copying a year and the summary per unit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from husly.accounts.models import Role, UnitKind
from husly.common.models import DomainEvent
from husly.costs import selectors, services
from husly.costs.models import FundedPosition, FundingShare
from tests.costs.helpers import position, unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The refusals are read in English here; the pages show them in Norwegian.
    with translation.override("en"):
        yield


@pytest.fixture
def units(municipality):
    return {"nav": unit(municipality, UnitKind.NAV, "NAV Sandnes"),
            "followup": unit(municipality, UnitKind.FOLLOWUP, "Mestringsenheten"),
            "housing": unit(municipality, UnitKind.HOUSING, "Boligtjenesten")}


def _save(municipality, shares, **kwargs):
    values = {"municipality": municipality, "year": 2026, "title": "NAV-veileder",
              "holder": None, "fte_percent": 100, "annual_cost": Decimal(750_000),
              "shares": shares, "by": None}
    values.update(kwargs)
    return services.funded_position_save(**values)


def _refused(municipality, shares, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        _save(municipality, shares, **kwargs)
    assert not FundedPosition.objects.exists() or kwargs.get("position") is not None
    return " ".join(refused.value.messages)


def test_a_position_shared_50_50_is_recorded_with_one_event(municipality, units, make_staff):
    # given a NAV counsellor on the staff
    nav = make_staff(Role.NAV_COUNSELLOR)
    # when the leader records the position shared between NAV and the follow-up unit
    saved = _save(municipality, [(units["nav"], 50), (units["followup"], 50)], holder=nav)
    # then it has two shares and one event
    assert sorted(saved.shares.values_list("unit__name", "percent")) == [
        ("Mestringsenheten", 50), ("NAV Sandnes", 50)]
    assert saved.holder == nav
    assert list(DomainEvent.objects.filter(name__startswith="funded_").values_list(
        "name", flat=True)) == ["funded_position.created"]


def test_shares_not_adding_up_to_100_are_refused(municipality, units):
    message = _refused(municipality, [(units["nav"], 50), (units["followup"], 40)])
    assert "90" in message and "100" in message


def test_a_unit_twice_is_refused(municipality, units):
    message = _refused(municipality, [(units["nav"], 50), (units["nav"], 50)])
    assert "NAV Sandnes" in message


def test_a_unit_of_another_municipality_is_refused(municipality, other_municipality, units):
    foreign = unit(other_municipality, UnitKind.NAV, "NAV Stord")
    message = _refused(municipality, [(units["nav"], 50), (foreign, 50)])
    assert "municipality" in message


def test_no_share_is_refused(municipality, units):
    assert "at least one unit" in _refused(municipality, [])


@pytest.mark.parametrize("percent", [0, 101, -10])
def test_a_percent_outside_1_to_100_is_refused(municipality, units, percent):
    message = _refused(municipality, [(units["nav"], 100 - percent), (units["followup"],
                                                                      percent)])
    assert "from 1 to 100" in message


def test_a_negative_cost_is_refused(municipality, units):
    with pytest.raises(ValidationError) as refused:
        _save(municipality, [(units["nav"], 100)], annual_cost=Decimal(-1))
    assert "annual_cost" in refused.value.error_dict
    assert not FundedPosition.objects.exists()


@pytest.mark.parametrize("fte", [0, 101])
def test_a_position_size_outside_1_to_100_is_refused(municipality, units, fte):
    with pytest.raises(ValidationError) as refused:
        _save(municipality, [(units["nav"], 100)], fte_percent=fte)
    assert "fte_percent" in refused.value.error_dict


def test_editing_replaces_the_shares_and_a_refused_edit_keeps_the_old(municipality, units):
    # given a position shared 50/50
    saved = _save(municipality, [(units["nav"], 50), (units["followup"], 50)])
    # when it is changed to three units
    _save(municipality, [(units["nav"], 40), (units["followup"], 30), (units["housing"], 30)],
          annual_cost=Decimal(800_000), position=saved)
    # then the shares are the new ones
    assert sorted(saved.shares.values_list("percent", flat=True)) == [30, 30, 40]
    # and a refused change leaves everything as it was
    with pytest.raises(ValidationError):
        _save(municipality, [(units["nav"], 70)], annual_cost=Decimal(1), position=saved)
    saved.refresh_from_db()
    assert saved.annual_cost == Decimal(800_000)
    assert saved.shares.count() == 3
    assert DomainEvent.objects.filter(name="funded_position.changed").count() == 1


def test_the_summary_per_unit_is_the_hand_calculation(municipality, units):
    # given the Stord example and a half-time position paid 60/40
    position(municipality, cost=Decimal(750_000),
             shares=[(units["nav"], 50), (units["followup"], 50)])
    position(municipality, title="Miljøvaktmester", cost=Decimal(620_000),
             shares=[(units["housing"], 50), (units["followup"], 50)])
    position(municipality, title="Koordinator", cost=Decimal(333_333), fte_percent=50,
             shares=[(units["followup"], 60), (units["housing"], 40)])
    position(municipality, year=2025, title="Fjorårets", cost=Decimal(1_000_000),
             shares=[(units["nav"], 100)])
    # when the year is summed
    summary = selectors.cost_summary(municipality=municipality, year=2026)
    by_name = {u.name: u for u in summary.units}
    # then each unit pays its share of each cost, and carries its share of each position
    assert by_name["NAV Sandnes"].cost == Decimal(375_000)
    assert by_name["Mestringsenheten"].cost == Decimal(375_000) + 310_000 + Decimal("199999.8")
    assert by_name["Boligtjenesten"].cost == Decimal(310_000) + Decimal("133333.2")
    assert by_name["Mestringsenheten"].fte == Decimal("0.5") + Decimal("0.5") + Decimal("0.3")
    assert by_name["Boligtjenesten"].fte == Decimal("0.5") + Decimal("0.2")
    assert summary.total_cost == 750_000 + 620_000 + 333_333
    assert summary.total_cost == sum(u.cost for u in summary.units)
    assert summary.total_fte == Decimal("2.5")
    assert len(summary.positions) == 3


def test_the_summary_is_scoped_to_the_municipality(municipality, other_municipality):
    position(other_municipality)
    summary = selectors.cost_summary(municipality=municipality, year=2026)
    assert summary.units == [] and summary.total_cost == 0 and summary.positions == []


def test_copying_a_year_copies_positions_and_shares(municipality, units):
    # given two positions in 2026
    position(municipality, shares=[(units["nav"], 50), (units["followup"], 50)])
    position(municipality, title="Miljøvaktmester", cost=Decimal(620_000),
             shares=[(units["housing"], 50), (units["followup"], 50)])
    # when they are copied to 2027
    copies = services.funded_position_copy_year(municipality=municipality, from_year=2026,
                                                to_year=2027, by=None)
    # then 2027 has the same positions, shares and summary
    assert len(copies) == 2
    before = selectors.cost_summary(municipality=municipality, year=2026)
    after = selectors.cost_summary(municipality=municipality, year=2027)
    assert [(u.name, u.cost, u.fte) for u in after.units] == [
        (u.name, u.cost, u.fte) for u in before.units]
    assert FundingShare.objects.filter(position__year=2027).count() == 4
    assert DomainEvent.objects.filter(name="funded_positions.copied").count() == 1
    # and a second copy to the same year is refused, leaving it as it was
    with pytest.raises(ValidationError) as refused:
        services.funded_position_copy_year(municipality=municipality, from_year=2026,
                                           to_year=2027, by=None)
    assert "to_year" in refused.value.error_dict
    assert FundedPosition.objects.filter(year=2027).count() == 2


def test_copying_an_empty_year_is_refused(municipality):
    with pytest.raises(ValidationError) as refused:
        services.funded_position_copy_year(municipality=municipality, from_year=2020,
                                           to_year=2021, by=None)
    assert "from_year" in refused.value.error_dict
