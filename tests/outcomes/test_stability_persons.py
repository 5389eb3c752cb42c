"""Persons are persons (issue 19, part 2): the stability report's persons row counts each
person once, equals its list of people, is never more than the tenancies it is made of, and
with a start year follows a cohort. Histories are generated with hypothesis."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from husly.housing.models import DwellingKind, Tenancy, TenancyEndReason
from husly.outcomes.figures import figure_residents
from husly.outcomes.stability import person_spell_rows, stability_report, tenancy_spells
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 11, 15)
FIRST = datetime.date(2019, 1, 1)
REASONS = [TenancyEndReason.EVICTION, TenancyEndReason.PLANNED_MOVE, TenancyEndReason.DEATH]

# One person's tenancies: (days since the previous one ended or FIRST, days it lasted or
# None while running, how it ended, the kind of dwelling).
tenancy = st.tuples(st.sampled_from([0, 1, 2, 40, 400]), st.one_of(
    st.none(), st.integers(min_value=1, max_value=900)), st.sampled_from(REASONS),
    st.sampled_from([DwellingKind.TRANSITIONAL, DwellingKind.CARE]))
histories = st.lists(st.lists(tenancy, min_size=1, max_size=4), min_size=1, max_size=6)


class _RolledBack(Exception):
    pass


def _build(municipality, history):
    """The people and their tenancies, straight into the tables (no services: a history is
    what an import leaves, and the report reads only tenancies)."""
    dwellings = {kind: DwellingFactory(municipality=municipality, kind=kind)
                 for kind in (DwellingKind.TRANSITIONAL, DwellingKind.CARE)}
    pairs = 0
    for tenancies in history:
        resident = ResidentFactory(municipality=municipality)
        start = FIRST
        for gap, days, reason, kind in tenancies:
            start = start + datetime.timedelta(days=gap)
            if start > TODAY:
                break
            end = None if days is None else start + datetime.timedelta(days=days)
            row = Tenancy.objects.create(
                municipality=municipality, dwelling=dwellings[kind], start_date=start,
                end_date=end, end_reason=reason if end else "", monthly_rent=7500)
            row.residents.add(resident)
            pairs += 1
            if end is None:
                break  # a running tenancy is the person's last
            start = end
    return pairs


@pytest.mark.django_db
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, year=st.sampled_from([None, 2019, 2020, 2021]))
def test_persons_equal_their_list_and_are_no_more_than_tenancies(municipality, history, year):
    try:
        with transaction.atomic():
            # Given any history of people and tenancies
            pairs = _build(municipality, history)
            filters = {"start_year": year} if year else {}
            # When the report and its drill-downs count persons
            report = stability_report(municipality=municipality, filters=filters)
            spells = person_spell_rows(municipality=municipality, filters=filters,
                                       today=datetime.date.today())
            params = {"start_year": str(year)} if year else {}
            _spec, everyone = figure_residents(municipality=municipality,
                                               figure="stabilitet-alle", params=params)
            _spec, lost = figure_residents(municipality=municipality,
                                           figure="stabilitet-mistet", params=params)
            # Then each person is counted once, and the row equals its list of people
            ids = [pk for pk, _days, _event in spells]
            assert len(ids) == len(set(ids)) == report["persons"]["n"]
            assert everyone.count() == report["persons"]["n"]
            assert lost.count() == report["persons"]["events"]
            # And persons are never more than the tenancy spells they are made of
            assert report["persons"]["n"] <= report["tenancies"]["n"] <= pairs
            if not year:
                assert report["persons"]["n"] == len(history)
            raise _RolledBack
    except _RolledBack:
        pass


def test_a_cohort_follows_its_people_into_the_next_year(municipality):
    # Given a person evicted on New Year's Eve 2022 and re-housed the next day
    person = ResidentFactory(municipality=municipality)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[person],
                   start_date=datetime.date(2022, 3, 1), end_date=datetime.date(2022, 12, 31),
                   end_reason=TenancyEndReason.EVICTION)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[person],
                   start_date=datetime.date(2023, 1, 1))
    # When the 2022 cohort is followed
    spells = person_spell_rows(municipality=municipality, filters={"start_year": 2022},
                               today=TODAY)
    # Then the person is still housed: the spell runs on into 2023, no event
    assert spells == [(person.pk, (TODAY - datetime.date(2022, 3, 1)).days, False)]
    # And the 2023 cohort does not count them again: their spell began in 2022
    assert person_spell_rows(municipality=municipality, filters={"start_year": 2023},
                             today=TODAY) == []
    # While the tenancies row still sees the eviction of 2022 as a tenancy that ended
    evicted_after = (datetime.date(2022, 12, 31) - datetime.date(2022, 3, 1)).days
    assert tenancy_spells(municipality=municipality, filters={"start_year": 2022},
                          today=TODAY) == [(evicted_after, True)]
