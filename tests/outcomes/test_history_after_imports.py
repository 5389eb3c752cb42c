"""History right after the fact (ADR 0033): tenancies imported years later are written into
each person's situation history and the by-name list at their own dates, whatever today is,
so KOSTRA's temporary-housing and moved-in figures equal a hand count of the imported
history, in whichever order the rows came."""

import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from husly.accounts.models import Role
from husly.imports import services as imports
from husly.outcomes import kostra
from husly.outcomes.figures import figure_residents
from husly.outcomes.models import EpisodeStart, HomelessEpisode, SituationSpell
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, national_id
from tests.imports.helpers import DWELLING_HEADER, batch_for, csv_bytes, dwelling_row

TODAY = datetime.date(2026, 3, 2)
D = datetime.date

# Each person as the old system's files give them: the situation the resident file gives
# (often the one at first contact), and their tenancies.
PEOPLE = {
    # In a shelter from June 2019, housed February 2020, evicted on the last day of 2022, in
    # a shelter now: in temporary housing in 2019, 2020 and from 2023 on, never in 2021-22.
    "Cecilie": ("Hospits", D(2019, 6, 1), [
        ("Importveien 1", D(2020, 2, 1), D(2022, 12, 31), "eviction")]),
    # The file still says shelter from 2018; housed in March 2018 and moved on to another
    # dwelling in July 2021, where she lives now: in temporary housing in 2018 only.
    "Dina": ("Hospits", D(2018, 1, 1), [
        ("Importveien 2", D(2018, 3, 1), D(2021, 6, 30), "planned_move"),
        ("Importveien 3", D(2021, 7, 1), None, "")]),
    # In a shelter since February 2024, no tenancy.
    "Elin": ("Hospits", D(2024, 2, 1), []),
    # In her own home, a tenancy in between that ended in eviction, then her own home again:
    # never in temporary housing, never on the list after the eviction.
    "Frida": ("Egen bolig", D(2019, 1, 1), [
        ("Importveien 4", D(2019, 5, 1), D(2020, 4, 30), "eviction")]),
}

# The hand count, year by year: who was in temporary housing at some time in the year, who
# had been there more than three months by the year's end (or by its end there), and which
# households moved in.
TEMPORARY = {2018: {"Dina"}, 2019: {"Cecilie"}, 2020: {"Cecilie"}, 2021: set(),
             2022: set(), 2023: {"Cecilie"}, 2024: {"Cecilie", "Elin"},
             2025: {"Cecilie", "Elin"}}
TEMPORARY_LONG = {2018: set(), 2019: {"Cecilie"}, 2020: {"Cecilie"}, 2021: set(),
                  2022: set(), 2023: {"Cecilie"}, 2024: {"Cecilie", "Elin"},
                  2025: {"Cecilie", "Elin"}}
MOVED_IN = {2018: {"Dina"}, 2019: {"Frida"}, 2020: {"Cecilie"}, 2021: {"Dina"}, 2022: set(),
            2023: set(), 2024: set(), 2025: set()}


def _import(municipality, officer, *, reverse_tenancies=False):
    def apply(kind, header, rows):
        batch = batch_for(municipality=municipality, by=officer, kind=kind,
                          data=csv_bytes(header, rows))
        outcome = imports.import_apply(batch=batch, by=officer)
        assert (list(outcome.problems), outcome.new) == ([], len(rows)), kind

    numbers = {name: national_id(D(1980, 1, 1) + datetime.timedelta(days=i * 400))
               for i, name in enumerate(PEOPLE)}
    tenancies = [(name, *t) for name, (_s, _d, ts) in PEOPLE.items() for t in ts]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0), tick=False):
        apply("dwellings", DWELLING_HEADER,
              [dwelling_row(address, unit="H0101") for _n, address, *_r in tenancies])
        apply("residents", ["Fødselsnummer", "Fornavn", "Etternavn", "Boligsituasjon", "Siden"],
              [[numbers[name], name, "Importsen", situation, since.strftime("%d.%m.%Y")]
               for name, (situation, since, _t) in PEOPLE.items()])
        rows = [[address, "4306", "H0101", numbers[name], start.strftime("%d.%m.%Y"), "7000",
                 end.strftime("%d.%m.%Y") if end else "", reason]
                for name, address, start, end, reason in tenancies]
        apply("tenancies", ["Adresse", "Postnr", "Bruksenhetsnummer", "Fnr", "Innflytting",
                            "Husleie", "Sluttdato", "Sluttårsak"],
              list(reversed(rows)) if reverse_tenancies else rows)


def _history(municipality):
    spells = {name: [(s.situation, s.started_on, s.ended_on)
                     for s in SituationSpell.objects.filter(resident__given_name=name)]
              for name in PEOPLE}
    episodes = {name: [(e.started_on, e.start_kind, e.ended_on, e.end_kind)
                       for e in HomelessEpisode.objects.filter(resident__given_name=name)]
                for name in PEOPLE}
    return spells, episodes


def _names(municipality, figure, year):
    _spec, residents = figure_residents(municipality=municipality, figure=figure,
                                        params={"år": str(year)}, today=TODAY)
    return set(residents.values_list("given_name", flat=True))


@pytest.fixture
def imported(municipality, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER)
    _import(municipality, officer)
    return municipality


@pytest.mark.parametrize("year", sorted(TEMPORARY))
def test_each_kostra_figure_equals_the_hand_count_of_the_imported_history(imported, year):
    # Given a municipality whose history came in through the import, years after the fact
    # When KOSTRA's figures for the year are counted
    figures = kostra.kostra_figures(municipality=imported, year=year, today=TODAY)
    # Then each is the hand count, and each list of people is the people counted
    assert _names(imported, "kostra-midlertidig", year) == TEMPORARY[year]
    assert figures["temporary"] == len(TEMPORARY[year])
    assert _names(imported, "kostra-midlertidig-lenge", year) == TEMPORARY_LONG[year]
    assert figures["temporary_long"] == len(TEMPORARY_LONG[year])
    # And households that moved in without an allocation in Husly are counted
    assert _names(imported, "kostra-innflyttet", year) == MOVED_IN[year]
    assert figures["moved_in"] == len(MOVED_IN[year])


def test_a_tenancy_closes_the_earlier_shelter_stay_at_its_start(imported):
    spells, episodes = _history(imported)
    shelter, tenancy = HousingSituation.SHELTER_TEMPORARY, HousingSituation.MUNICIPAL_TENANCY
    assert spells["Cecilie"] == [(shelter, D(2019, 6, 1), D(2020, 2, 1)),
                                 (tenancy, D(2020, 2, 1), D(2022, 12, 31)),
                                 (shelter, D(2023, 1, 1), None)]
    assert spells["Dina"] == [(shelter, D(2018, 1, 1), D(2018, 3, 1)),
                              (tenancy, D(2018, 3, 1), D(2021, 6, 30)),
                              (tenancy, D(2021, 7, 1), None)]
    # And the by-name list: Cecilie is back on it from the eviction, Frida never was
    assert episodes["Cecilie"] == [
        (D(2019, 6, 1), EpisodeStart.NEWLY_IDENTIFIED, D(2020, 2, 1), "housed"),
        (D(2022, 12, 31), EpisodeStart.RETURNED_FROM_HOUSING, None, "")]
    assert episodes["Frida"] == []
    assert episodes["Dina"] == [(D(2018, 1, 1), EpisodeStart.NEWLY_IDENTIFIED, D(2018, 3, 1),
                                 "housed")]
    on_list = set(HomelessEpisode.objects.filter(ended_on__isnull=True)
                  .values_list("resident__given_name", flat=True))
    assert on_list == {"Cecilie", "Elin"}


def test_the_history_is_the_same_whichever_order_the_tenancies_came_in(
        imported, other_municipality, make_staff):
    # Given the same files imported again elsewhere with the tenancy rows in reverse order
    officer = make_staff(Role.HOUSING_OFFICER, municipality=other_municipality)
    forward = _history(imported)
    SituationSpell.objects.filter(municipality=imported).delete()
    HomelessEpisode.objects.filter(municipality=imported).delete()
    _import(other_municipality, officer, reverse_tenancies=True)
    # Then each person's situations and spells without a home are the same
    assert _history(other_municipality) == forward


# -- Any history, any order ----------------------------------------------------------------

# One person's tenancies: (days after the previous one ended, or after 2018, days it lasted
# or None while running, how it ended).
_tenancy = st.tuples(st.sampled_from([0, 1, 2, 30, 400]),
                     st.one_of(st.none(), st.integers(min_value=1, max_value=900)),
                     st.sampled_from(["eviction", "planned_move", "prison"]))
_registered = st.tuples(st.sampled_from([HousingSituation.SHELTER_TEMPORARY,
                                         HousingSituation.STREET, HousingSituation.OWN_HOME,
                                         HousingSituation.MUNICIPAL_TENANCY]),
                        st.sampled_from([0, 20, 400, 1500, 2900]))


def _register(municipality, dwellings, registered, tenancies, order):
    situation, days = registered
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0), tick=False):
        resident = ResidentFactory(municipality=municipality, housing_situation=situation,
                                   housing_situation_since=D(2018, 1, 1)
                                   + datetime.timedelta(days=days))
        rows, start = [], D(2018, 1, 1)
        for gap, length, reason in tenancies:
            start += datetime.timedelta(days=gap + 1)
            if start > TODAY:
                break
            end = None if length is None else start + datetime.timedelta(days=length)
            if end is not None and end > TODAY:
                end = None
            rows.append((start, end, reason if end else ""))
            if end is None:
                break
            start = end
        for i in order(len(rows)):
            start, end, reason = rows[i]
            TenancyFactory(dwelling=dwellings[i], residents=[resident], start_date=start,
                           end_date=end, end_reason=reason)
    return resident, rows


def _own_days(first, last):
    """The days a spell holds by itself: spells share the day of a move."""
    return first, (last - datetime.timedelta(days=1)) if last else TODAY


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registered=_registered, tenancies=st.lists(_tenancy, min_size=1, max_size=4),
       data=st.data())
def test_any_history_registered_in_any_order_keeps_tenancies_and_homelessness_apart(
        municipality, registered, tenancies, data):
    # Each example has its own people and dwellings: the subscribers run as in production,
    # on commit, which a rolled-back block around the example would never reach.
    dwellings = [DwellingFactory(municipality=municipality) for _ in range(4)]
    # Given one person's history, its tenancies registered in file order and, for
    # a second person with the same history, in an order drawn at random
    forward, rows = _register(municipality, dwellings, registered, tenancies,
                              lambda n: range(n))
    shuffled = data.draw(st.permutations(range(len(rows))))
    other, _rows = _register(
        municipality, [DwellingFactory(municipality=municipality) for _ in range(4)],
        registered, tenancies, lambda n: shuffled)

    def history(resident):
        return ([(s.situation, s.started_on, s.ended_on)
                 for s in SituationSpell.objects.filter(resident=resident)],
                [(e.started_on, e.ended_on)
                 for e in HomelessEpisode.objects.filter(resident=resident)])
    # Then the order makes no difference to the situations (the by-name list's spells can
    # still differ where a tenancy falls in a gap that an earlier eviction filled: issue 19)
    assert history(other)[0] == history(forward)[0]
    spells, episodes = history(forward)
    # And no other situation, and no spell without a home, has a day of its own
    # inside a tenancy
    for start, end, _reason in rows:
        last = end or TODAY
        for situation, first, until in spells:
            if situation == HousingSituation.MUNICIPAL_TENANCY:
                continue
            own_first, own_last = _own_days(first, until)
            assert own_last < start or own_first >= last, (situation, first, until)
        for first, until in episodes:
            own_first, own_last = _own_days(first, until)
            assert own_last < start or own_first >= last, (first, until)
    # And one situation at a time, and at most one open
    assert sum(1 for s in spells if s[2] is None) <= 1
    assert all(a[2] is not None and a[2] <= b[1] for a, b in zip(spells, spells[1:]))
