"""One definition per figure (issue 19, part 1), on generated histories: every figure that
opens a list of people is as many as the list, a figure shown on two pages is the same number
on both, and persons are never more than tenancies."""

import datetime

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from husly.common.models import Municipality
from husly.outcomes import kostra, selectors
from husly.outcomes.figures import figure_residents
from husly.outcomes.models import HomelessEpisode
from husly.outcomes.stability import stability_report
from husly.people.models import HousingSituation
from tests.factories import (
    DwellingFactory,
    MunicipalityFactory,
    ResidentFactory,
    TenancyFactory,
)

TODAY = datetime.date(2026, 3, 2)
NOON = datetime.datetime(2026, 3, 2, 12, 0)
D = datetime.date

# A person: the situation registered and since when (days after 1 January 2018), and their
# tenancies as (days after the previous one ended, days it lasted or None, how it ended).
_tenancy = st.tuples(st.sampled_from([0, 1, 2, 30, 400]),
                     st.one_of(st.none(), st.integers(min_value=1, max_value=1200)),
                     st.sampled_from(["eviction", "planned_move", "prison", "death"]))
_person = st.tuples(st.sampled_from([HousingSituation.SHELTER_TEMPORARY,
                                     HousingSituation.STREET, HousingSituation.OWN_HOME,
                                     HousingSituation.MUNICIPAL_TENANCY]),
                    st.sampled_from([0, 20, 400, 1500, 2900]),
                    st.lists(_tenancy, max_size=3))


def _register(municipality, person):
    situation, since, tenancies = person
    with time_machine.travel(NOON, tick=False):
        resident = ResidentFactory(municipality=municipality, housing_situation=situation,
                                   housing_situation_since=D(2018, 1, 1)
                                   + datetime.timedelta(days=since))
        start = D(2018, 1, 1)
        for gap, length, reason in tenancies:
            start += datetime.timedelta(days=gap + 1)
            if start > TODAY:
                return
            end = None if length is None else start + datetime.timedelta(days=length)
            if end is not None and end > TODAY:
                end = None
            TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                           residents=[resident], start_date=start, end_date=end,
                           end_reason=reason if end else "")
            if end is None:
                return
            start = end


def _listed(municipality, figure, **params) -> int:
    _spec, residents = figure_residents(municipality=municipality, figure=figure,
                                        params={k: str(v) for k, v in params.items()},
                                        today=TODAY)
    return residents.count()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(_person, min_size=1, max_size=4), data=st.data())
def test_every_figure_is_its_list_and_the_same_on_every_page(db, people, data):
    # Each example in a municipality of its own: the subscribers run on commit, as in
    # production, so the examples cannot be rolled back one by one.
    number = str(5000 + Municipality.objects.count())
    m = MunicipalityFactory(number=number, name=f"Kommune {number}")
    # Given a history of people, tenancies and homelessness registered through the services
    for person in people:
        _register(m, person)
    with time_machine.travel(NOON, tick=False):
        # Then each KOSTRA count is as many as the people it opens, in every year
        for year in data.draw(st.lists(st.integers(2018, 2026), min_size=1, max_size=3,
                                       unique=True)):
            f = kostra.kostra_figures(municipality=m, year=year)
            for key, figure in (("moved_in", "kostra-innflyttet"),
                                ("temporary", "kostra-midlertidig"),
                                ("temporary_long", "kostra-midlertidig-lenge")):
                assert f[key] == _listed(m, figure, år=year), (key, year)
            assert f["temporary_long"] <= f["temporary"]
        # And housing stability counts persons as its list, never more than tenancies
        report = stability_report(municipality=m, filters={})
        assert report["persons"]["n"] == _listed(m, "stabilitet-alle")
        assert report["persons"]["events"] == _listed(m, "stabilitet-mistet")
        assert report["persons"]["n"] <= report["tenancies"]["n"]
        assert report["persons"]["events"] <= report["tenancies"]["events"]
        # And the by-name list, the number now and the last month's end are one number,
        # and the list's three months are the flow page's last three, with the same average
        page = selectors.monthly_flow(municipality=m)
        short = selectors.monthly_flow(municipality=m, months=3)
        open_now = HomelessEpisode.objects.filter(municipality=m, ended_on__isnull=True)
        assert page["current"] == short["current"] == open_now.count() == len(
            selectors.open_episodes(municipality=m))
        assert page["rows"][-1]["active"] == page["current"]
        assert short["rows"] == page["rows"][-3:]
        assert short["housed_average"] == page["housed_average"]
