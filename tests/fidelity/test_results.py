"""The result of a fidelity assessment: means per domain against a hand calculation, the
items where the team slipped, the history over years, and the pages and downloads."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from husly.accounts.models import Role
from husly.fidelity import selectors, services
from husly.fidelity.models import AssessmentStatus, FidelityItem, FidelityScore
from tests.factories import TeamFactory

YEAR = 2026
NOW = datetime.datetime(YEAR, 11, 20, 10, 0)
# This year's scores in the first two domains (7 and 5 items); the other 18 items score 4.
HOUSING = [4, 3, 2, 1, 4, 4, 3]
SEPARATION = [2, 2, 3, 1, 2]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _by_domain(municipality):
    services.fidelity_items_ensure(municipality=municipality)
    groups = {}
    for item in FidelityItem.objects.filter(municipality=municipality).order_by(
            "domain__order", "order"):
        groups.setdefault(item.domain.key, []).append(item)
    return groups


def _assessment(team, year, scores: dict, complete=True):
    assessment = services.fidelity_assessment_start(team=team, year=year, by=None)
    services.fidelity_scores_save(assessment=assessment, scores=scores, by=None)
    if complete:
        services.fidelity_assessment_complete(assessment=assessment, by=None)
    return assessment


@pytest.fixture
def two_years(team):
    """Last year every item scored 3; this year the first two domains as above, the rest 4."""
    groups = _by_domain(team.municipality)
    every = [item for items in groups.values() for item in items]
    last = _assessment(team, YEAR - 1, {i.pk: (3, "") for i in every})
    now_scores = {i.pk: (4, "") for i in every}
    for item, value in zip(groups["housing"], HOUSING, strict=True):
        now_scores[item.pk] = (value, "")
    for item, value in zip(groups["separation"], SEPARATION, strict=True):
        now_scores[item.pk] = (value, "Færre boliger" if value == 1 else "")
    now = _assessment(team, YEAR, now_scores)
    return {"last": last, "now": now, "groups": groups}


def test_means_per_domain_and_overall_equal_a_hand_calculation(two_years):
    result = selectors.assessment_result(two_years["now"])
    by_key = {d.domain.key: d for d in result.domains}
    # Housing: (4+3+2+1+4+4+3)/7 = 21/7 = 3.0, of at most 7×4 = 28 → 75 %
    assert by_key["housing"].mean == pytest.approx(3.0)
    assert by_key["housing"].percent == pytest.approx(75.0)
    assert by_key["housing"].scored == 7
    # Separation: (2+2+3+1+2)/5 = 10/5 = 2.0, of 20 → 50 %; last year 3.0 → change −1.0
    assert by_key["separation"].mean == pytest.approx(2.0)
    assert by_key["separation"].percent == pytest.approx(50.0)
    assert by_key["separation"].previous_mean == pytest.approx(3.0)
    assert by_key["separation"].change == pytest.approx(-1.0)
    # The rest all 4: mean 4.0, 100 %
    for key in ("philosophy", "array", "team"):
        assert by_key[key].mean == pytest.approx(4.0)
        assert by_key[key].percent == pytest.approx(100.0)
    # All items: (21 + 10 + 4×18)/30 = 103/30, of 120 → 85.83 %
    assert result.scored == 30
    assert result.mean == pytest.approx(103 / 30)
    assert result.percent == pytest.approx(100 * 103 / 120)
    assert result.previous == two_years["last"]
    assert result.previous_mean == pytest.approx(3.0)


def test_where_it_slipped_lists_the_items_scored_lower_than_last_year(two_years):
    housing, separation = two_years["groups"]["housing"], two_years["groups"]["separation"]
    slipped = selectors.assessment_result(two_years["now"]).slipped
    # Lower than 3: housing items 3 and 4, separation items 1, 2, 4, 5; the largest fall first
    assert [(s["item"], s["previous"], s["score"]) for s in slipped] == [
        (housing[3], 3, 1), (separation[3], 3, 1),
        (housing[2], 3, 2), (separation[0], 3, 2), (separation[1], 3, 2),
        (separation[4], 3, 2)]
    assert slipped[1]["comment"] == "Færre boliger"


def test_nothing_slipped_without_an_earlier_completed_assessment(team):
    groups = _by_domain(team.municipality)
    every = [item for items in groups.values() for item in items]
    _assessment(team, YEAR - 1, {i.pk: (4, "") for i in every}, complete=False)
    now = _assessment(team, YEAR, {i.pk: (1, "") for i in every})
    result = selectors.assessment_result(now)
    assert result.previous is None and result.slipped == []
    assert all(d.previous_mean is None for d in result.domains)


def test_the_history_has_each_completed_year_of_the_team_only(two_years, team):
    # Another team's assessment and a later draft are not in this team's history
    other = TeamFactory(municipality=team.municipality, name="Team Vest")
    every = [i for items in two_years["groups"].values() for i in items]
    _assessment(other, YEAR, {i.pk: (1, "") for i in every})
    history = selectors.team_history(team=team)
    assert history["years"] == [YEAR - 1, YEAR]
    keys = [d.key for d in history["domains"]]
    last, now = history["rows"]
    assert last["means"] == [pytest.approx(3.0)] * 5 and last["overall"] == pytest.approx(3.0)
    assert now["means"][keys.index("housing")] == pytest.approx(sum(HOUSING) / len(HOUSING))
    assert now["overall"] == pytest.approx(103 / 30)
    assert selectors.team_history(team=team, up_to=YEAR - 1)["years"] == [YEAR - 1]


class _Tables(HTMLParser):
    """The text of every table cell, as rows, per table."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(body):
    parser = _Tables()
    parser.feed(body)
    return parser.tables


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_result_page_and_its_downloads_show_the_same_numbers(client, login, make_staff,
                                                                 team, two_years):
    analyst = make_staff(Role.ANALYST)
    login(client, analyst)
    url = reverse("fidelity:assessment", args=[two_years["now"].pk])
    body = client.get(url).content.decode()
    tables = _tables(body)
    domains_csv = _csv(client.get(url, {"tabell": "domener", "eksport": "csv"}))
    history_csv = _csv(client.get(url, {"tabell": "over-tid", "eksport": "csv"}))
    assert domains_csv in tables and history_csv in tables
    # The domain table: the hand-calculated means, as Norwegian staff write them
    housing_name = two_years["groups"]["housing"][0].domain.name
    assert [housing_name, "3,0", "75 %", "7", "3,0", "±0,0"] in domains_csv
    assert ["Alle punkter", "3,4", "86 %", "30", "3,0", "+0,4"] in domains_csv
    assert [str(YEAR - 1), *["3,0"] * 5, "3,0"] in history_csv
    # The slipped items are listed with last year's and this year's score
    assert [two_years["groups"]["housing"][3].text, housing_name, "3", "1", "–"] in tables[1]
    # The chart draws a bar per domain and year, with a title
    assert body.count('class="husly-chart__bar"') == 5 * 2
    assert "<title" in body
    xlsx = client.get(url, {"tabell": "domener", "eksport": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_leader_starts_scores_and_completes_through_the_pages(client, login, make_staff,
                                                                  team):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    login(client, leader)
    # The overview seeds the items and offers to start this year's assessment
    body = client.get(reverse("fidelity:overview")).content.decode()
    assert "Start vurderingen" in body
    response = client.post(reverse("fidelity:start"), {"team": team.pk, "year": YEAR})
    assessment = team.fidelity_assessments.get()
    assert response["Location"] == reverse("fidelity:score", args=[assessment.pk])
    # The same year again: refused with a message
    response = client.post(reverse("fidelity:start"), {"team": team.pk, "year": YEAR},
                           follow=True)
    assert "allerede" in response.content.decode()
    items = list(FidelityItem.objects.filter(municipality=team.municipality))
    score_url = reverse("fidelity:score", args=[assessment.pk])
    # A score outside the scale is refused, naming the item; nothing is saved
    data = {"assessed_on": "2026-11-19", f"s{items[0].pk}": "7", "handling": "lagre"}
    body = client.post(score_url, data).content.decode()
    assert "utenfor skalaen" in body and items[0].text in body
    assert not FidelityScore.objects.exists()
    # Completing with items missing saves the draft and lists what is missing
    data = {"assessed_on": "2026-11-19", "handling": "fullfor"}
    data.update({f"s{i.pk}": "3" for i in items[:-1]})
    response = client.post(score_url, data, follow=True)
    body = response.content.decode()
    assert "Ikke vurdert ennå (1)" in body and items[-1].text in body
    assert FidelityScore.objects.filter(score=3).count() == len(items) - 1
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.assessed_on == datetime.date(2026, 11, 19)
    # With every item scored it completes and shows the result
    data[f"s{items[-1].pk}"] = "2"
    data[f"c{items[-1].pk}"] = "Mangler erfaringskonsulent"
    response = client.post(score_url, data)
    assert response["Location"] == reverse("fidelity:assessment", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    body = client.get(response["Location"]).content.decode()
    assert "Mangler erfaringskonsulent" in body
    # A completed assessment's scoring page sends the leader to the result
    assert client.get(score_url)["Location"] == response["Location"]


def test_the_leader_edits_and_adds_items(client, login, make_staff, team):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    login(client, leader)
    body = client.get(reverse("fidelity:items")).content.decode()
    item = FidelityItem.objects.filter(municipality=team.municipality).first()
    assert item.text in body
    response = client.post(reverse("fidelity:item_edit", args=[item.pk]),
                           {"text": "Valg av bolig og nabolag", "order": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == "Valg av bolig og nabolag" and not item.active
    response = client.post(reverse("fidelity:items"), {
        "domain": item.domain_id, "text": "Husdyr er velkomne", "order": 20})
    assert response.status_code == 302
    assert FidelityItem.objects.filter(text="Husdyr er velkomne", active=True).exists()
    body = client.post(reverse("fidelity:items"), {"domain": item.domain_id, "text": "",
                                                   "order": 1}).content.decode()
    assert "Ingenting ble lagret" in body


def test_analysts_read_but_do_not_score_and_see_no_start_form(client, login, make_staff, team,
                                                             two_years):
    login(client, make_staff(Role.ANALYST))
    body = client.get(reverse("fidelity:overview")).content.decode()
    assert "Start vurderingen" not in body
    assert str(YEAR - 1) in body and team.name in body
    assert client.get(reverse("fidelity:score", args=[two_years["now"].pk])).status_code == 403


@pytest.mark.parametrize(("language", "heading", "total"), [
    ("nn", "Modelltruskap i Housing First", "Alle punkt"),
    ("en", "Housing First fidelity", "All items")])
def test_the_pages_speak_nynorsk_and_english(client, login, make_staff, team, two_years,
                                            settings, language, heading, total):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    login(client, leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert heading in client.get(reverse("fidelity:overview")).content.decode()
    url = reverse("fidelity:assessment", args=[two_years["now"].pk])
    assert total in client.get(url).content.decode()
    assert client.get(reverse("fidelity:items")).status_code == 200


def test_a_team_of_another_municipality_cannot_be_chosen(client, login, make_staff,
                                                         other_municipality):
    foreign = TeamFactory(municipality=other_municipality, name="Stord-teamet")
    login(client, make_staff(Role.TEAM_LEADER))
    response = client.post(reverse("fidelity:start"), {"team": foreign.pk, "year": YEAR},
                           follow=True)
    assert response.status_code == 200
    assert not foreign.fidelity_assessments.exists()
