"""Every figure opens the people behind it: the same count from the same condition, shown
only to those who may see people, names only with a work relation."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from husly.access.policy import residents_visible, staff_context_for
from husly.accounts.models import User
from husly.allocation.models import Allocation
from husly.common.businessdays import add_months
from husly.common.models import Municipality
from husly.demo.scale import SCALES, Generator
from husly.housing.models import Tenancy, TenancyEndReason
from husly.outcomes.audit import audit_figures
from husly.outcomes.figures import BadFigure, figure_residents
from husly.outcomes.models import EpisodeStart, HomelessEpisode
from husly.outcomes.process import process_figures
from husly.outcomes.stability import stability_report
from husly.people.models import Resident

TODAY = datetime.date(2026, 3, 4)
NOON = datetime.datetime(2026, 3, 4, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))


@pytest.fixture
def generated(db):
    with time_machine.travel(NOON):
        Generator(SCALES["tiny"], today=TODAY, seed=5).run()
    return Municipality.objects.get(number="3001")


def _people(m, figure, **params):
    _figure, residents = figure_residents(municipality=m, figure=figure, params=params,
                                         today=TODAY)
    return set(residents.values_list("pk", flat=True))


def test_process_figures_open_their_people(generated):
    m = generated
    f = process_figures(municipality=m, today=TODAY)
    # Counted one by one: an allocation is late when its meeting was not held by the deadline.
    late = [a for a in Allocation.objects.filter(municipality=m, meeting_deadline__lt=TODAY)
            .select_related("meeting", "application")
            if not (a.meeting.held_on and a.meeting.held_on <= a.meeting_deadline)]
    assert len(late) == f["meetings_due"] - f["meetings_kept"]
    assert _people(m, "mote-for-sent") == {a.application.applicant_id for a in late}
    moves = Allocation.objects.filter(municipality=m, moved_in_on__isnull=False)
    assert _people(m, "nokler") == set(moves.values_list("application__applicant", flat=True))
    assert f["red_board_on_now"] and len(_people(m, "rod-tavle")) == f["red_board_on_now"]
    returns = HomelessEpisode.objects.filter(municipality=m,
                                             start_kind=EpisodeStart.RETURNED_FROM_HOUSING)
    for r in f["returns"]:
        cutoff = add_months(TODAY, -r["months"])
        by_hand = {resident.pk for t in Tenancy.objects.filter(municipality=m,
                                                               start_date__lte=cutoff)
                   for resident in t.residents.all()
                   if returns.filter(resident=resident, started_on__gte=t.start_date,
                                     started_on__lte=add_months(t.start_date, r["months"]))
                   .exists()}
        people = _people(m, "tilbake", mnd=str(r["months"]))
        # One person may come back after more than one tenancy: never more people than returns.
        assert people == by_hand and len(people) <= r["returned"]
    assert any(r["returned"] for r in f["returns"])


def test_audit_groups_open_their_people(generated):
    m = generated
    f = audit_figures(municipality=m, today=TODAY)
    for key, group in f["by_background"].items():
        assert len(_people(m, "bakgrunn", gruppe=key)) == group["all"]
        assert len(_people(m, "bakgrunn", gruppe=key, fulgt="1")) == group["followed"]
    for key, group in f["by_band"].items():
        assert len(_people(m, "alder", gruppe=key)) == group["all"]
    assert len(_people(m, "uten-avtale")) == f["coverage"]["without"]
    for team in f["teams"]:
        assert len(_people(m, "team-fulgt", team=str(team["team"].pk))) == team["followed"]
        assert len(_people(m, "team-uten-hovedkontakt", team=str(team["team"].pk))) == (
            team["without_contact"])
        assert len(_people(m, "team-rod-tavle", team=str(team["team"].pk))) == (
            team["red_board"])


def test_stability_opens_the_people_it_counts(generated):
    m = generated
    with time_machine.travel(NOON):
        report = stability_report(municipality=m, filters={"start_year": 2023})
    everyone = _people(m, "stabilitet-alle", start_year="2023")
    lost = _people(m, "stabilitet-mistet", start_year="2023")
    # The persons row is its list of people, and so is the row of those who lost the home
    assert len(everyone) == report["persons"]["n"]
    assert len(lost) == report["persons"]["events"]
    # The 2023 cohort: people housed in 2023, not those who moved on from an earlier home
    tenancies = Tenancy.objects.filter(municipality=m, start_date__year=2023)
    assert everyone <= set(tenancies.values_list("residents", flat=True))
    assert lost and lost < everyone
    assert report["tenancies"]["events"] == tenancies.filter(
        end_date__lte=TODAY, end_reason__in=TenancyEndReason.unplanned()).count()


@pytest.mark.parametrize("figure, params", [
    ("finnes-ikke", {}), ("tilbake", {"mnd": "7"}), ("kostra-venteliste", {"år": "x"}),
    ("bakgrunn", {"gruppe": "ukjent"}), ("team-fulgt", {}),
])
def test_an_unknown_figure_or_parameter_is_refused(generated, figure, params):
    with pytest.raises(BadFigure):
        _people(generated, figure, **params)


def test_the_page_names_only_people_with_a_work_relation(generated, client, settings):
    settings.HUSLY_REQUIRE_2FA = False
    worker = User.objects.get(username="3001-miljo-1")
    client.force_login(worker)
    url = reverse("outcomes:figure_people", args=["bakgrunn"]) + "?gruppe=child_welfare"
    with time_machine.travel(NOON):
        page = client.get(url).content.decode()
        export = client.get(url + "&eksport=csv").content.decode()
        missing = client.get(reverse("outcomes:figure_people", args=["tilbake"]) + "?mnd=5")
        visible = set(residents_visible(staff_context_for(worker, generated.pk))
                      .values_list("pk", flat=True))
    group = _people(generated, "bakgrunn", gruppe="child_welfare")
    assert 0 < len(group) <= 100 and f"{len(group)} " in page
    assert group & visible and group - visible  # both kinds of row are on the page
    for pk in group:
        link = reverse("people:resident_detail", args=[pk])
        assert (f'href="{link}"' in page) == (pk in visible)
    lines = export.lstrip("\ufeff").splitlines()[1:]
    assert len(lines) == len(group)
    assert sum(line.startswith("Ingen tilgang;") for line in lines) == len(group - visible)
    assert missing.status_code == 404


def test_the_council_report_names_nobody_and_hides_small_counts(generated, client, settings,
                                                                monkeypatch):
    import husly.outcomes.views as report_view

    settings.HUSLY_REQUIRE_2FA = False
    written = {}
    real = report_view.pdf_from_html

    def keep(html):
        written["html"] = html
        return real(html)

    # The page's own name for it: the HTML the PDF is made from.
    monkeypatch.setattr(report_view, "pdf_from_html", keep)
    # Even the housing officer, who sees people on the screens, prints no small counts.
    client.force_login(User.objects.get(username="3001-bolig-1"))
    with time_machine.travel(NOON):
        response = client.get(reverse("outcomes:council_report") + "?år=2025")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    html = written["html"]
    assert "<td>:</td>" in html and "KOSTRA" in html and "2025" in html
    names = Resident.objects.filter(municipality=generated).values_list("family_name",
                                                                         flat=True)
    assert not [n for n in set(names) if f">{n}" in html or f"{n}," in html]
    assert "/resultater/personer/" not in html
