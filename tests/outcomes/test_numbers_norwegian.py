"""Numbers and months on the outcome pages, their exports and the council report, the way
each language writes them: 87,5 % and januar 2026 in Bokmål and Nynorsk, 87.5 % and
January 2026 in English. Months in addresses stay the machine's 2026-01."""

import csv
import datetime
import html
import io
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

import husly.outcomes.views as outcome_views
from husly.accounts.models import Role
from husly.common.formats import month_name, month_short, number, percent, percent_range
from husly.outcomes.services import population_record
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
TODAY = datetime.date(2026, 3, 16)
NBSP = "\xa0"

# Per language: how 7 of 8 still housed, two housed over three months, January 2026 and
# its short name, and three people read.
WRITTEN = {
    "nb": {"share": f"87,5{NBSP}%", "average": "0,7", "month": "januar 2026",
           "short": "jan.", "people": "3 personer", "months": "Måneder"},
    "nn": {"share": f"87,5{NBSP}%", "average": "0,7", "month": "januar 2026",
           "short": "jan.", "people": "3 personar", "months": "Månader"},
    "en": {"share": f"87.5{NBSP}%", "average": "0.7", "month": "January 2026",
           "short": "Jan.", "people": "3 people", "months": "Months"},
}
# The other language's way, which must not be seen.
WRONG_SHARE = {"nb": "87.5", "nn": "87.5", "en": "87,5"}


def _at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=OSLO))


def _text(body: str) -> str:
    """What a reader sees of the page's main part: no tags, no attributes (the addresses
    keep 2026-01), and the entities read as characters."""
    main = body[body.find("<main"):body.find("</main>")] if "<main" in body else body
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def outcomes(municipality, team, make_staff):
    """Three people without a home from 5 January 2026, two of them housed on 20 January;
    eight tenancies from about 900 days before 16 March 2026, one ended by eviction after
    100 days: 7 of 8 (87,5 %) still housed after 6, 12 and 24 months."""
    with _at(datetime.date(2026, 1, 5)):
        january = [ResidentFactory(municipality=municipality, team=team,
                                   housing_situation_since=datetime.date(2026, 1, 5))
                   for _ in range(3)]
    with _at(datetime.date(2026, 1, 20)):
        for resident in january[:2]:
            TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                           residents=[resident], start_date=datetime.date(2026, 1, 20))
    with _at(TODAY):
        for i in range(8):
            # The one evicted is in a shelter now; the others rent from the municipality.
            resident = ResidentFactory(municipality=municipality, housing_situation=(
                HousingSituation.SHELTER_TEMPORARY if i == 1
                else HousingSituation.MUNICIPAL_TENANCY))
            start = TODAY - datetime.timedelta(days=900 + i)
            end = start + datetime.timedelta(days=100) if i == 1 else None
            TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                           residents=[resident], start_date=start, end_date=end,
                           end_reason="eviction" if end else "")
        leader = make_staff(Role.TEAM_LEADER, team=team, username="leder")
    return {"leader": leader, "municipality": municipality}


def _get(client, settings, language, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with _at(TODAY):
        response = client.get(url)
    assert response.status_code == 200
    return response


NORWEGIAN = {"million": f"1{NBSP}234{NBSP}567", "decimal": f"12{NBSP}345,7",
             "share": f"87,7{NBSP}%", "half": f"87,7{NBSP}%",
             "range": f"93,3–97,3{NBSP}%", "month": "januar 2026", "short": "jan."}
HELPERS = {
    "nb": NORWEGIAN, "nn": NORWEGIAN,
    "en": {"million": "1,234,567", "decimal": "12,345.7", "share": f"87.7{NBSP}%",
           "half": f"87.7{NBSP}%", "range": f"93.3–97.3{NBSP}%", "month": "January 2026",
           "short": "Jan."},
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_helpers_write_as_the_language_does(language):
    # Given the active language
    with translation.override(language):
        # When numbers, shares and months are written
        written = {"million": number(1234567), "decimal": number(12345.67, 1),
                   "share": percent(0.877), "half": percent(0.8765),
                   "range": percent_range(0.933, 0.973),
                   "month": month_name(datetime.date(2026, 1, 1)),
                   "short": month_short(datetime.date(2026, 1, 1))}
        # Then they read as the language writes them; a share halfway is rounded up, as
        # the exports round it, not cut off (87,6 %)
        assert written == HELPERS[language]
        assert percent(1, 0) == f"100{NBSP}%"
        assert percent(None) == "–" and number(None) == "–"


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_flow_page_names_its_months_and_writes_the_average(client, login, outcomes,
                                                              settings, language):
    # Given the leader reading the flow page in the language
    login(client, outcomes["leader"])
    # When the page is shown
    body = _get(client, settings, language, reverse("outcomes:flow")).content.decode()
    text = _text(body)
    words = WRITTEN[language]
    # Then the table and the chart's own table name the months, and the chart's axis has
    # their short names, with the year under the first month and under January
    assert f"<th scope=\"row\">{words['month']}</th>" in body
    assert re.search(rf">{re.escape(words['short'])}</text>", body)
    assert ">2026</text>" in body and ">2025</text>" in body
    assert "2026-01" not in text and "2026-03" not in text
    # And the average housed per month has the language's decimal mark
    assert f"<dd>{words['average']}</dd>" in body
    # And the drill-down keeps the machine's month in its address
    assert reverse("outcomes:flow_people", args=["2026-01", "inn", "newly_identified"]) in body
    # And the chart's numbers are in a table beside it
    assert "<details" in body and body.count("<table") == 2


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_flow_export_names_its_months(client, login, outcomes, settings, language):
    login(client, outcomes["leader"])
    url = reverse("outcomes:flow")
    export = _get(client, settings, language, url + "?eksport=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    january = next(r for r in rows if r[0] == WRITTEN[language]["month"])
    assert january[1] == "3" and january[-1] == "2"
    assert not any(re.fullmatch(r"\d{4}-\d{2}", r[0]) for r in rows)
    book = load_workbook(io.BytesIO(_get(client, settings, language,
                                         url + "?eksport=xlsx").content))
    months = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert WRITTEN[language]["month"] in months


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_flow_drill_down_names_its_month_and_counts_people(client, login, outcomes,
                                                                settings, language):
    login(client, outcomes["leader"])
    url = reverse("outcomes:flow_people", args=["2026-01", "inn", "newly_identified"])
    text = _text(_get(client, settings, language, url).content.decode())
    assert WRITTEN[language]["month"] in text and "2026-01" not in text
    assert WRITTEN[language]["people"] in text


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_stability_page_writes_shares_and_intervals(client, login, outcomes, settings,
                                                         language):
    # Given the leader reading housing stability in the language
    login(client, outcomes["leader"])
    body = _get(client, settings, language, reverse("outcomes:stability")).content.decode()
    text = _text(body)
    words = WRITTEN[language]
    # Then 7 of 8 is written the language's way, an interval with one sign, never the other
    assert f"<td>{words['share']}</td>" in body
    mark = "." if language == "en" else ","
    assert re.search(rf"<td>\d+{re.escape(mark)}\d–\d+{re.escape(mark)}\d{NBSP}%</td>", body)
    assert WRONG_SHARE[language] not in text
    # And the chart has labelled axes (per cent and months) and its numbers in a table
    assert f">50{NBSP}%</text>" in body and f">{words['months']}</text>" in body
    assert "<details" in body and f"<td>{words['share']}</td><td>{words['share']}</td>" in body
    # And the drawing's coordinates keep a point whatever the language
    assert 'y1="112.5"' in body
    assert not re.search(r'\s(?:x|y|x1|x2|y1|y2)="-?\d+,\d', body)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_stability_export_keeps_shares_as_numbers(client, login, outcomes, settings,
                                                       language):
    login(client, outcomes["leader"])
    url = reverse("outcomes:stability")
    export = _get(client, settings, language, url + "?eksport=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))[1:]
    # The CSV writes the share as the language does; the spreadsheet keeps the number
    assert rows[0][1] == "6" and rows[0][2].replace(" ", NBSP) == WRITTEN[language]["share"]
    book = load_workbook(io.BytesIO(_get(client, settings, language,
                                         url + "?eksport=xlsx").content))
    cell = book.active["C2"]
    assert cell.value == pytest.approx(0.875) and "%" in cell.number_format


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_by_name_list_writes_the_average(client, login, outcomes, settings, language):
    login(client, outcomes["leader"])
    body = _get(client, settings, language, reverse("outcomes:by_name_list")).content.decode()
    assert f"<dd>{WRITTEN[language]['average']}</dd>" in body


@pytest.mark.parametrize(("language", "inhabitants", "per_1000"), [
    ("nb", f"12{NBSP}345", "0,8"), ("nn", f"12{NBSP}345", "0,8"), ("en", "12,345", "0.8")])
def test_kostra_groups_large_numbers(client, login, outcomes, settings, language,
                                     inhabitants, per_1000):
    # Given 10 municipal dwellings and 12 345 inhabitants entered for the year
    with _at(TODAY):
        population_record(municipality=outcomes["municipality"], year=2026,
                          inhabitants=12345, by=outcomes["leader"])
    login(client, outcomes["leader"])
    body = _get(client, settings, language,
                reverse("outcomes:kostra") + "?år=2026").content.decode()
    # Then the inhabitants are grouped and the rate per 1,000 has the decimal mark
    assert f"<td>{inhabitants}</td>" in body and f"<td>{per_1000}</td>" in body


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_council_report_writes_as_the_municipality_does(client, login, outcomes,
                                                            settings, monkeypatch, language):
    # Given a municipality writing the language, and a user who reads English
    municipality = outcomes["municipality"]
    municipality.written_language = language
    municipality.save()
    written = []
    monkeypatch.setattr(outcome_views, "pdf_from_html",
                        lambda document: written.append(document) or b"%PDF")
    # The fixture's counts are all small, and the report hides small counts
    # (test_disclosure): here no count is small, so that every number is written out.
    monkeypatch.setattr(outcome_views, "SMALL_CELL", 1)
    login(client, outcomes["leader"])
    # When the report to the council is made
    _get(client, settings, "en", reverse("outcomes:council_report") + "?år=2026")
    document = written[0]
    text = _text(document[document.find("<body"):])
    words = WRITTEN[language]
    # Then its months, shares and average are the municipality's, not the user's
    assert f"<td>{words['month']}</td>" in document and "2026-01" not in text
    assert f"<td>{words['share']}</td>" in document and WRONG_SHARE[language] not in text
    assert f"<dd>{words['average']}</dd>" in document
    assert f">{words['months']}</text>" in document


def test_a_count_hidden_as_small_draws_no_bar(client, login, outcomes, make_staff, settings):
    # Given an analyst, who sees no counts under 5 (hidden as ":")
    login(client, make_staff(Role.ANALYST, username="analytiker"))
    body = _get(client, settings, "nb", reverse("outcomes:flow")).content.decode()
    # Then a hidden bar is labelled ":" and has no height that would tell the number
    assert body.count('class="husly-chart__bar"') == 12
    assert 'height="0" class="husly-chart__bar"' in body
    assert not re.search(r'height="[1-9]\d*" class="husly-chart__bar"', body)
    assert ">:</text>" in body
