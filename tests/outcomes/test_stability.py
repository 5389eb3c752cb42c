"""Housing stability against lifelines, the oracle: the same estimate and intervals on
generated data with ties and censoring; and the spells read from tenancies."""

import datetime
import random

import pytest
from django.utils import timezone

from husly.outcomes.stability import (
    DAYS_PER_MONTH,
    at,
    kaplan_meier,
    person_spells,
    tenancy_spells,
)
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_kaplan_meier_equals_lifelines_with_ties_and_censoring(seed):
    from lifelines import KaplanMeierFitter

    rng = random.Random(seed)
    # Whole days and a coarse grid: many ties, among events and censored spells alike
    durations = [rng.choice(range(0, 1500, 30)) for _ in range(300)]
    events = [rng.random() < 0.35 for _ in durations]
    ours = kaplan_meier(durations, events)
    kmf = KaplanMeierFitter().fit(durations, event_observed=events)
    ci = kmf.confidence_interval_
    for point in ours:
        assert point.survival == pytest.approx(
            float(kmf.survival_function_.loc[point.time].iloc[0]), abs=1e-12)
        assert point.lower == pytest.approx(float(ci.loc[point.time].iloc[0]), abs=1e-9)
        assert point.upper == pytest.approx(float(ci.loc[point.time].iloc[1]), abs=1e-9)
    for months in (6, 12, 24, 36):
        t = months * DAYS_PER_MONTH
        assert at(ours, t).survival == pytest.approx(
            float(kmf.survival_function_at_times(t).iloc[0]), abs=1e-12)


def test_everyone_lost_and_no_one_lost_are_handled():
    assert [p.survival for p in kaplan_meier([10, 20], [True, True])] == [0.5, 0.0]
    flat = kaplan_meier([10, 20, 30], [False, False, False])
    assert all(p.survival == 1.0 and p.lower == 1.0 for p in flat)


def test_spells_count_unplanned_ends_and_join_a_resettlement_without_a_gap(municipality):
    today = timezone.localdate()
    resident = ResidentFactory(municipality=municipality)
    first = today - datetime.timedelta(days=800)
    switch = today - datetime.timedelta(days=400)
    # Moved from one dwelling to the next without a day between: one spell for the person
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=first, end_date=switch, end_reason="planned_move")
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=switch + datetime.timedelta(days=1))
    evicted = ResidentFactory(municipality=municipality)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[evicted],
                   start_date=first, end_date=first + datetime.timedelta(days=100),
                   end_reason="eviction")
    tenancies = sorted(tenancy_spells(municipality=municipality, filters={}))
    assert tenancies == [(100, True), (399, False), (400, False)]
    persons = sorted(person_spells(municipality=municipality, filters={}))
    assert persons == [(100, True), (800, False)]
    assert sorted(tenancy_spells(municipality=municipality,
                                 filters={"housing_first": True})) == []
    assert sorted(person_spells(municipality=municipality,
                                filters={"housing_first": True})) == []
    assert sorted(person_spells(municipality=municipality,
                                filters={"housing_first": False})) == persons


def test_the_stability_page_and_its_export_show_the_same_figures(client, login, municipality,
                                                                 make_staff):
    import csv
    import io

    from django.urls import reverse

    from husly.accounts.models import Role

    today = timezone.localdate()
    for i in range(8):
        resident = ResidentFactory(municipality=municipality)
        start = today - datetime.timedelta(days=900 + i)
        end = start + datetime.timedelta(days=100 * i) if i % 2 else None
        TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                       residents=[resident], start_date=start, end_date=end,
                       end_reason="eviction" if end else "")
    leader = make_staff(Role.TEAM_LEADER, username="leder")
    login(client, leader)
    body = client.get(reverse("outcomes:stability")).content.decode()
    export = client.get(reverse("outcomes:stability") + "?eksport=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))[1:]
    assert len(rows) == 8
    # The screen keeps "87,5 %" together with a non-breaking space; the export a plain one.
    shown = body.replace("\xa0", " ")
    for row in rows:
        assert f"<td>{row[2]}</td>" in shown
    # 4 of 8 evicted within 700 days: half still housed at 24 months
    assert rows[2][1] == "24" and rows[2][2] == "50,0 %"
    filtered = client.get(reverse("outcomes:stability") + "?housing_first=ja").content.decode()
    assert "Ikke kjent ennå" in filtered
    analyst = make_staff(Role.ANALYST, username="analytiker")
    login(client, analyst)
    body = client.get(reverse("outcomes:stability")).content.decode()
    assert "<td>:</td>" in body  # fewer than five still followed at 36 months
