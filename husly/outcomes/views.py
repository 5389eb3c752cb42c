"""Outcome pages: the by-name list, its monthly flow and functional zero, housing stability.
Thin: numbers come from `selectors` and `stability`, access from `access.policy`."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import SMALL_CELL, outcome_figures_protected, outcome_people_shown
from husly.access.services import list_read_record
from husly.common import exports
from husly.common.disclosure import HIDDEN
from husly.common.documents import document_html, pdf_from_html, pdf_response
from husly.common.formats import (
    date_long,
    month_name,
    month_short,
    number,
    percent,
    percent_range,
    rounded,
)
from husly.common.views import service_call
from husly.outcomes import disclosure, kostra, selectors, services
from husly.outcomes.audit import audit_figures
from husly.outcomes.figures import BadFigure, figure_residents
from husly.outcomes.forms import PopulationForm, StabilityFilterForm
from husly.outcomes.models import EpisodeEnd, EpisodeStart
from husly.outcomes.process import process_figures
from husly.outcomes.stability import DAYS_PER_MONTH, at, stability_report
from husly.people.models import Background
from husly.people.selectors import resident_get

BY_NAME_PAGE_SIZE = 100


def _people_url(staff, value, figure: str, **params) -> str:
    """The link from a count to the people behind it: only for those who may see people, and
    only for a count that has any."""
    if staff is None or not outcome_people_shown(staff) or not isinstance(value, int) or (
            not value):
        return ""
    url = reverse("outcomes:figure_people", args=[figure])
    return f"{url}?{urlencode(params)}" if params else url


def _shown(cell):
    """A table cell as the screen and the council report show it; the exports get the cell
    itself and write it in their own way (a number stays a number in XLSX)."""
    if cell is None:
        return "–"
    if isinstance(cell, exports.Percent):
        return percent(cell.value)
    if isinstance(cell, Decimal):
        return number(cell, max(0, -cell.as_tuple().exponent))
    if isinstance(cell, float):
        return number(cell, 0 if cell.is_integer() else 1)
    if isinstance(cell, int):
        return number(cell)
    if isinstance(cell, datetime.date):
        return date_long(cell)
    return cell


def _screen(table):
    return [[_shown(c) for c in row] for row in table]


def _hidden(staff, figures, protect) -> set:
    """The keys of the figures this reader is not shown (ADR 0034): none for those who see
    the people behind them; for the others the small counts and those that would tell them.
    `protect` is one of outcomes.disclosure's functions, so a page, its downloads, its chart
    and the council report hide the same cells."""
    return protect(figures, small=SMALL_CELL) if outcome_figures_protected(staff) else set()


def _or_hidden(value, key, hidden: set):
    return HIDDEN if key in hidden else value


def _cells(row, links):
    return [{"value": _shown(value), "url": url}
            for value, url in zip(row, links, strict=True)]


def _list_table(rows):
    headers = [_("Name"), _("Without a home since"), _("Days without a home"),
               _("Situation"), _("Next step"), _("Owner"), _("Re-settlement")]
    table = []
    for row in rows:
        resident = row.episode.resident
        table.append([
            resident.full_name if row.shown else _("No access"),
            row.episode.started_on, row.days,
            resident.get_housing_situation_display() if row.situation_shown else "–",
            row.next_step, str(row.owner or "–"), _("Yes") if row.resettlement else ""])
    return headers, table


@page("by_name_list")
def by_name_list(request):
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        rows = selectors.by_name_list(staff=request.staff)
        _list_read(request, ListKind.BY_NAME_EXPORT, rows)
        headers, table = _list_table(rows)
        return exports.table_response(fmt=fmt, filename="uten-bolig", headers=headers,
                                      rows=table)
    # A city's list runs to thousands: the page shows 100 at a time, the download all.
    page_obj = Paginator(selectors.open_episodes(municipality=request.staff.municipality),
                         BY_NAME_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = selectors.by_name_list(staff=request.staff, episodes=page_obj.object_list)
    inactive = selectors.inactive_list(staff=request.staff)
    _list_read(request, ListKind.BY_NAME_LIST, [*rows, *inactive])
    return render(request, "outcomes/by_name_list.html", {
        "rows": rows, "page_obj": page_obj,
        "may_manage": request.staff.may_open("by_name_manage"),
        "inactive": inactive,
        "flow": selectors.monthly_flow(municipality=request.staff.municipality, months=3)})


def _list_read(request, view: str, rows) -> None:
    """Log the names a list of the by-name kind shows: only rows with `shown` are named."""
    list_read_record(staff=request.staff, view=view,
                     residents=[row.episode.resident_id for row in rows if row.shown])


def _resident_action(request, pk, action, success):
    resident = resident_get(staff=request.staff, pk=pk)
    service_call(request, lambda: action(resident=resident, by=request.staff.user), success)
    return redirect("outcomes:by_name_list")


@require_POST
@page("by_name_manage")
def mark_inactive(request, pk: int):
    return _resident_action(request, pk, services.homelessness_mark_inactive,
                            _("Marked inactive: off the active list until found again."))


@require_POST
@page("by_name_manage")
def reactivate(request, pk: int):
    return _resident_action(request, pk, services.homelessness_reactivate,
                            _("Back on the list of people without a home."))


def _flow_table(staff, flow):
    hidden = _hidden(staff, flow, disclosure.flow_hidden)

    def cell(value, key):
        return _or_hidden(value, key, hidden)

    headers = [_("Month"), *[str(label) for _v, label in EpisodeStart.choices],
               _("Inflow"), *[str(label) for _v, label in EpisodeEnd.choices], _("Outflow"),
               _("Without a home at the end of the month")]
    table = []
    for i, row in enumerate(flow["rows"]):
        table.append([
            month_name(row["month"]),
            *[cell(row["inflow"][k], ("in", i, k)) for k in EpisodeStart.values],
            cell(row["inflow_total"], ("in_total", i)),
            *[cell(row["outflow"][k], ("out", i, k)) for k in EpisodeEnd.values],
            cell(row["outflow_total"], ("out_total", i)), cell(row["active"], ("active", i))])
    # The sentences above the table: the number now and the average housed per month.
    facts = {"current": _shown(cell(flow["current"], "current")),
             "housed_average": _shown(cell(number(flow["housed_average"], 1),
                                           "housed_average"))}
    return headers, table, facts


@page("outcomes")
def flow(request):
    staff = request.staff
    data = selectors.monthly_flow(municipality=staff.municipality)
    headers, table, facts = _flow_table(staff, data)
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename="inn-og-utstrom", headers=headers,
                                      rows=table)
    # The link behind each count: inflow kinds, the inflow total, outflow kinds, the total,
    # the number at the month's end. Totals and the stock have no list of their own.
    kinds = ([("inn", k) for k in EpisodeStart.values] + [None]
             + [("ut", k) for k in EpisodeEnd.values] + [None, None])
    people_shown = outcome_people_shown(staff)
    rows = []
    for r, cells in zip(data["rows"], table, strict=True):
        # The month in the address is the machine's 2026-01; the screen names it.
        month = r["month"].strftime("%Y-%m")
        rows.append({"month": cells[0], "cells": [
            {"value": _shown(value), "url": reverse("outcomes:flow_people", args=[month, *kind])
             if kind and people_shown and value else ""}
            for value, kind in zip(cells[1:], kinds, strict=True)]})
    return render(request, "outcomes/flow.html", {
        "flow": data, "headers": headers, "rows": rows,
        "people_shown": outcome_people_shown(staff), **facts,
        "protected": outcome_figures_protected(staff),
        "chart": _flow_chart(data["rows"], table),
    })


def _svg(value) -> str:
    """A coordinate for an SVG attribute: always with a point, whatever the language (a
    float printed by the template would get the Norwegian comma and break the drawing)."""
    return f"{round(value, 1):g}"


def _tick_step(peak: int, lines: int = 4) -> int:
    """The step between the labelled values of a count axis: 1, 2 or 5 times a power of
    ten, so that about four lines reach the highest bar."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if peak <= factor * power * lines:
                return factor * power
        power *= 10


def _flow_chart(rows, table):
    """Bars of the number without a home at each month's end (the table's last column, as
    this reader sees it), drawn as SVG by the app, with the counts on a labelled axis and
    each bar's month by name. A hidden count gets no bar, only its mark, and plays no part in
    the scale: the bar's height or the axis would tell the number."""
    width, height, gap = 36, 120, 8
    left, above, below = 40, 16, 34
    shown = [cells[-1] for cells in table]
    peak = max([v for v in shown if isinstance(v, int)] + [1])
    step = _tick_step(peak)
    top = -(-peak // step) * step
    bars = []
    for i, (r, cells) in enumerate(zip(rows, table, strict=True)):
        value = cells[-1]
        h = round(height * value / top) if isinstance(value, int) else 0
        x = i * (width + gap)
        bars.append({
            "x": x, "y": height - h, "h": h, "w": width, "mid": x + width // 2,
            "value": _shown(value), "value_y": height - h - 4,
            "label": month_short(r["month"]), "month": cells[0],
            # The year under the first month and under each January.
            "year": r["month"].year if i == 0 or r["month"].month == 1 else ""})
    chart_width = len(rows) * (width + gap) - gap
    return {"bars": bars, "width": chart_width, "height": height,
            "view_box": f"{-left} {-above} {chart_width + left + 4} {height + above + below}",
            "ticks": [{"y": height - round(height * v / top), "label": number(v)}
                      for v in range(0, top + 1, step)],
            "month_y": height + 14, "year_y": height + 28}


@page("by_name_list")
def flow_people(request, month: str, direction: str, kind: str):
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Http404 from None
    kinds = EpisodeStart.values if direction == "inn" else EpisodeEnd.values
    if direction not in ("inn", "ut") or kind not in kinds:
        raise Http404
    episodes = selectors.flow_episodes(municipality=request.staff.municipality, month=first,
                                       direction=direction, kind=kind)
    rows = selectors.by_name_list(staff=request.staff, episodes=episodes)
    label = dict(EpisodeStart.choices if direction == "inn" else EpisodeEnd.choices)[kind]
    fmt = request.GET.get("eksport")
    exporting = fmt in ("csv", "xlsx")
    _list_read(request, ListKind.FLOW_PEOPLE_EXPORT if exporting else ListKind.FLOW_PEOPLE,
               rows)
    if exporting:
        headers, table = _list_table(rows)
        return exports.table_response(fmt=fmt, filename=f"{direction}-{month}-{kind}",
                                      headers=headers, rows=table)
    return render(request, "outcomes/flow_people.html", {
        "rows": rows, "month": first, "label": label})


def stability_table(report, hidden):
    headers = [_("Measure"), _("Months"), _("Still housed"), _("95 % interval"),
               _("Still followed")]
    table = []
    for key, label in (("tenancies", _("Tenancies")), ("persons", _("Persons"))):
        for row in report[key]["rows"]:
            point, months = row["point"], row["months"]
            if (key, "point", months) in hidden:
                share = interval = HIDDEN
            elif point:
                share = exports.Percent(point.survival)
                interval = percent_range(point.lower, point.upper)
            else:
                share, interval = _("Not yet known"), None
            table.append([label, months, share, interval,
                          _or_hidden(row["at_risk"], (key, "row", months), hidden)])
    return headers, table


@page("outcomes")
def stability(request):
    """Kaplan–Meier retention for tenancies and persons, beside the Sandnes example's 70 %."""
    staff = request.staff
    protected = outcome_figures_protected(staff)
    # A filtered report beside the whole would tell the rest by subtraction (ADR 0034):
    # those who see no people get the whole only.
    form = StabilityFilterForm(None if protected else request.GET or None,
                               municipality=staff.municipality)
    report = stability_report(municipality=staff.municipality,
                              filters={} if protected else form.filters())
    hidden = _hidden(staff, report, disclosure.stability_hidden)
    headers, table = stability_table(report, hidden)
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename="bostabilitet", headers=headers,
                                      rows=table)
    query = request.GET.copy()
    query.pop("eksport", None)
    return render(request, "outcomes/stability.html", {
        "form": form, "report": report, "headers": headers, "table": _screen(table),
        "protected": protected,
        "query": query.urlencode(),
        **_stability_counts(report, hidden),
        "sandnes": percent(report["sandnes"], 0),
        "people_all_url": _stability_people_url(staff, report["persons"]["n"], "stabilitet-alle",
                                                query),
        "people_lost_url": _stability_people_url(staff, report["persons"]["events"],
                                                 "stabilitet-mistet", query),
        "chart": _stability_chart(report, hidden, protected),
    })


def _stability_counts(report, hidden) -> dict:
    return {name: _shown(_or_hidden(report[key][figure], (key, figure), hidden))
            for name, key, figure in (("n_tenancies", "tenancies", "n"),
                                      ("n_persons", "persons", "n"),
                                      ("n_lost", "tenancies", "events"),
                                      ("n_persons_lost", "persons", "events"))}


def _stability_people_url(staff, value, figure, query) -> str:
    url = _people_url(staff, value, figure)
    filters = query.copy()
    filters.pop("side", None)
    return f"{url}?{filters.urlencode()}" if url and filters else url


STABILITY_CHART_MONTHS = 36
STABILITY_CHART_STEP = 6


def _stability_chart(report, hidden, protected: bool):
    """Two step curves (tenancies, persons) over 36 months, as SVG paths, on axes labelled in
    months and per cent, and the curves read every six months for the table beside it.

    A reader who sees no people gets the curves through the table's published shares only,
    ending where a share is hidden, and the table beside it at those months: each step of the
    full curve is a loss of a home, and its height with those followed tells how many."""
    width, height, months = 360, 150, STABILITY_CHART_MONTHS
    left, right, above, below = 44, 10, 8, 36
    curves = []
    for key in ("tenancies", "persons"):
        path = ["M0,0"]
        for p in _curve_points(report, key, hidden, protected):
            x = min(p.time / DAYS_PER_MONTH, months) * width / months
            path.append(f"H{_svg(x)}V{_svg((1 - p.survival) * height)}")
            if p.time / DAYS_PER_MONTH >= months:
                break
        curves.append({"key": key, "d": "".join(path)})
    steps = range(0, months + 1, STABILITY_CHART_STEP)
    if protected:
        steps = [0, *(row["months"] for row in report["tenancies"]["rows"])]
    return {
        "curves": curves, "width": width, "height": height,
        "view_box": f"{-left} {-above} {width + left + right} {height + above + below}",
        "sandnes_y": _svg((1 - report["sandnes"]) * height),
        "ticks_x": [{"x": _svg(m * width / months), "label": number(m)} for m in steps],
        "ticks_y": [{"y": _svg((1 - share) * height), "label": percent(share, 0)}
                    for share in (0, 0.25, 0.5, 0.75, 1)],
        "label_y": height + 16, "axis_title_y": height + 32, "axis_title_x": width // 2,
        "rows": [[number(m), *[_curve_at(report[key]["points"], m, key, hidden)
                               for key in ("tenancies", "persons")]] for m in steps]}


def _curve_points(report, key, hidden, protected: bool):
    """The steps of a curve as this reader may see them: all of them, or the published row
    shares up to the first hidden one."""
    if not protected:
        return report[key]["points"]
    points = []
    for row in report[key]["rows"]:
        if row["point"] is None or (key, "point", row["months"]) in hidden:
            break
        points.append(row["point"]._replace(time=row["months"] * DAYS_PER_MONTH))
    return points


def _curve_at(points, months: int, key, hidden) -> str:
    """The curve's share still housed after `months`; past its longest spell the curve says
    nothing, as in the report's own rows."""
    if months and (key, "point", months) in hidden:
        return HIDDEN
    t = months * DAYS_PER_MONTH
    if not points or points[-1].time < t:
        return _("Not yet known")
    return percent(at(points, t).survival)


def process_table(staff, f):
    hidden = _hidden(staff, f, disclosure.process_hidden)

    def count(n, key):
        return _shown(_or_hidden(n, key, hidden))

    def share(key):
        return HIDDEN if key in hidden else exports.Percent(f[key])

    def days(key):
        value = f[key]
        # A median of an even count of whole days ends in .0 or .5: 3.0 is written 3.
        value = int(value) if isinstance(value, float) and value.is_integer() else value
        return _or_hidden(value, key, hidden)

    moves = _("%(n)s moves") % {"n": count(f["keys_n"], ("keys", "whole"))}
    table = [
        [_("Joint meetings held within three business days"), share("meetings_share"),
         _("%(kept)s of %(due)s") % {"kept": count(f["meetings_kept"], ("meetings", "part")),
                                     "due": count(f["meetings_due"], ("meetings", "whole"))}],
        [_("Days from decision to keys, median"), days("keys_median"), moves],
        [_("Days from decision to keys, 90th percentile"), days("keys_p90"), moves],
        [_("Weekly visits done"), share("visits_share"),
         _("%(done)s of %(due)s") % {"done": count(f["visits_done"], ("visits", "part")),
                                     "due": count(f["visits_due"], ("visits", "whole"))}],
        [_("Days on the red board, median"), days("red_board_median_days"),
         _("%(n)s times, %(now)s on it now") % {
             "n": count(f["red_board_n"], ("red", "whole")),
             "now": count(f["red_board_on_now"], ("red_now", "whole"))}],
    ]
    for r in f["returns"]:
        key = ("returns", r["months"])
        table.append([
            _("Back without a home within %(months)s months of moving in") % {
                "months": r["months"]},
            HIDDEN if (key, "share") in hidden else exports.Percent(r["share"]),
            _("%(returned)s of %(tenancies)s tenancies") % {
                "returned": count(r["returned"], (key, "part")),
                "tenancies": count(r["tenancies"], (key, "whole"))}])
    headers = [_("Figure"), _("Value"), _("Based on")]
    return headers, table


@page("outcomes")
def process(request):
    """Deadlines kept and how fast things happen."""
    staff = request.staff
    f = process_figures(municipality=staff.municipality)
    headers, table = process_table(staff, f)
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename="frister-og-tempo", headers=headers,
                                      rows=table)
    # Each row's people: the late meetings, the moves, the missed visits, the red board now,
    # the returns; shown as a column of links to those who may see people.
    late = f["meetings_due"] - f["meetings_kept"]
    people = [
        (_("Not held in time: %(n)s") % {"n": number(late)},
         _people_url(staff, late, "mote-for-sent")),
        (_("The moves"), _people_url(staff, f["keys_n"], "nokler")),
        (_("The moves"), _people_url(staff, f["keys_n"], "nokler")),
        (_("Residents with visits not done"),
         _people_url(staff, f["visits_due"] - f["visits_done"], "besok-ikke-gjort")),
        (_("On the red board now: %(n)s") % {"n": number(f["red_board_on_now"])},
         _people_url(staff, f["red_board_on_now"], "rod-tavle")),
        *[(_("Who came back"), _people_url(staff, r["returned"], "tilbake", mnd=r["months"]))
          for r in f["returns"]],
    ]
    return render(request, "outcomes/process.html", {
        "headers": headers, "rows": [{"cells": row, "people": p}
                                     for row, p in zip(_screen(table), people, strict=True)],
        "people_shown": outcome_people_shown(staff),
        "protected": outcome_figures_protected(staff)})


AGE_LABELS = {"under_25": gettext_lazy("Under 25"), "25_34": "25–34", "35_49": "35–49",
              "50_66": "50–66", "67_plus": gettext_lazy("67 and older"),
              "unknown": gettext_lazy("Birth date not recorded")}


def audit_tables(staff, f) -> dict:
    background_labels = dict(Background.choices)
    hidden = _hidden(staff, f, disclosure.audit_hidden)

    def count(n, key):
        return _or_hidden(n, key, hidden)

    def share(part, whole, key):
        return _or_hidden(exports.Percent(part / whole if whole else None), key, hidden)

    def group_rows(groups, label, figure):
        rows, links = [], []
        for key, g in groups.items():
            if not g["all"]:
                continue
            rows.append([label(key), count(g["followed"], (figure, key, "followed")),
                         count(g["all"], (figure, key, "all")),
                         share(g["followed"], g["all"], (figure, key, "share"))])
            links.append(["", _people_url(staff, g["followed"], figure, gruppe=key, fulgt=1),
                          _people_url(staff, g["all"], figure, gruppe=key), ""])
        return rows, links

    by_background, background_links = group_rows(
        f["by_background"], lambda k: background_labels.get(k) or _("Not recorded"), "bakgrunn")
    by_band, band_links = group_rows(f["by_band"], lambda k: AGE_LABELS[k], "alder")
    coverage = f["coverage"]

    tables = {
        "bakgrunn": {
            "title": _("Housing First follow-up by background"),
            "headers": [_("Background"), _("With a follow-up agreement"), _("Residents"),
                        _("Share")],
            "rows": by_background, "links": background_links},
        "alder": {
            "title": _("Housing First follow-up by age"),
            "headers": [_("Age"), _("With a follow-up agreement"), _("Residents"), _("Share")],
            "rows": by_band, "links": band_links},
        "dekning": {
            "title": _("Follow-up agreements among residents with services"),
            "headers": [_("Residents in a municipal dwelling followed by a team"),
                        _("With a running agreement"), _("Without"), _("Coverage")],
            "rows": [[count(coverage["all"], ("dekning", "all")),
                      count(coverage["with_agreement"], ("dekning", "with")),
                      count(coverage["without"], ("dekning", "without")),
                      share(coverage["with_agreement"], coverage["all"], ("dekning", "share"))]],
            "links": [["", "", _people_url(staff, coverage["without"], "uten-avtale"), ""]]},
        "hovedkontakt": {
            "title": _("Primary contacts per team"),
            "headers": [_("Team"), _("Residents followed"), _("Without a primary contact"),
                        _("On the red board (the whole team is responsible)")],
            "rows": [[str(t["team"]), *[count(t[name], ("team", t["team"].pk, name))
                                        for name in ("followed", "without_contact",
                                                     "red_board")]]
                     for t in f["teams"]],
            "links": [["", _people_url(staff, t["followed"], "team-fulgt", team=t["team"].pk),
                       _people_url(staff, t["without_contact"], "team-uten-hovedkontakt",
                                   team=t["team"].pk),
                       _people_url(staff, t["red_board"], "team-rod-tavle", team=t["team"].pk)]
                      for t in f["teams"]]},
    }
    # The council gets the teams' sums in one row (see _council_audit).
    tables["hovedkontakt"]["sums"] = [count(sum(t[name] for t in f["teams"]), ("teams", name))
                                      for name in ("followed", "without_contact", "red_board")]
    return tables


@page("outcomes")
def audit(request):
    """Internal audit: who gets Housing First follow-up, agreement coverage, primary contacts."""

    staff = request.staff
    tables = audit_tables(staff, audit_figures(municipality=staff.municipality))
    fmt, which = request.GET.get("eksport"), request.GET.get("tabell")
    if fmt in ("csv", "xlsx") and which in tables:
        table = tables[which]
        return exports.table_response(fmt=fmt, filename=f"internkontroll-{which}",
                                      headers=table["headers"], rows=table["rows"])
    for table in tables.values():
        table["cells"] = [_cells(row, links)
                          for row, links in zip(table["rows"], table["links"], strict=True)]
    return render(request, "outcomes/audit.html", {
        "tables": tables, "protected": outcome_figures_protected(staff),
        "may_see_without_agreement": staff.may_open("followup")})


FIGURE_PAGE_SIZE = 100
BACK_TITLES = {"outcomes:kostra": gettext_lazy("KOSTRA figures"),
               "outcomes:process": gettext_lazy("Deadlines and pace"),
               "outcomes:audit": gettext_lazy("Internal audit"),
               "outcomes:stability": gettext_lazy("Housing stability")}


@page("by_name_list")
def figure_people(request, figure: str):
    """The people behind one number of the outcome pages."""
    staff = request.staff
    try:
        spec, residents = figure_residents(municipality=staff.municipality, figure=figure,
                                           params=request.GET)
    except BadFigure:
        raise Http404 from None
    residents = residents.select_related("team", "primary_contact").order_by(
        "family_name", "given_name", "pk")
    query = request.GET.copy()
    query.pop("side", None)
    fmt = query.pop("eksport", [None])[0]
    if fmt in ("csv", "xlsx"):
        headers = [_("Name"), _("Team"), _("Primary contact"), _("Housing situation")]
        listed = selectors.people_listed(staff=staff, residents=residents)
        list_read_record(staff=staff, view=ListKind.FIGURE_PEOPLE_EXPORT,
                         residents=[row["resident"] for row in listed if row["shown"]])
        table = [[row["resident"].full_name if row["shown"] else _("No access"),
                  str(row["resident"].team or "–"),
                  str(row["resident"].primary_contact or "–") if row["shown"] else "–",
                  row["resident"].get_housing_situation_display()
                  if row["situation_shown"] else "–"]
                 for row in listed]
        return exports.table_response(fmt=fmt, filename=figure, headers=headers, rows=table)
    page_obj = Paginator(residents, FIGURE_PAGE_SIZE).get_page(request.GET.get("side"))
    listed = selectors.people_listed(staff=staff, residents=page_obj.object_list)
    list_read_record(staff=staff, view=ListKind.FIGURE_PEOPLE,
                     residents=[row["resident"] for row in listed if row["shown"]])
    # The way back keeps the figure page's own parameters (the year, the stability filters).
    back = {k: v for k, v in query.items() if k in ("år", *StabilityFilterForm.base_fields)}
    return render(request, "outcomes/figure_people.html", {
        "title": spec.title, "year": query.get("år", ""), "page_obj": page_obj,
        "query": query.urlencode(),
        "rows": listed,
        "back_url": f"{reverse(spec.page)}?{urlencode(back)}" if back else reverse(spec.page),
        "back_title": BACK_TITLES[spec.page]})


def _kostra_year(request, years) -> int:
    """The chosen year, else the running one (the page says how far it counts)."""
    try:
        year = int(request.GET.get("år", ""))
    except ValueError:
        return years[0]
    return year if year in years else years[0]


def kostra_table(staff, f) -> tuple[list, list[list], list[list]]:
    """The KOSTRA figures as rows of (figure, value, definition), and each row's people link."""
    year, day = f["year"], date_long(f["last"])

    hidden = _hidden(staff, f, disclosure.kostra_hidden)

    def count(key):
        return _or_hidden(f[key], key, hidden)

    d = f["dwellings"]
    population = f["population"]
    rows = [
        ([_("Municipal dwellings (owned or leased)"), d["all"],
          _("Dwellings in the register today: owned by the municipality or leased from others "
            "and let on. The register keeps no history of purchases and sales, so every year "
            "shows today's number.")], ""),
        ([_("Of these owned by the municipality"), d["owned"], ""], ""),
        ([_("Of these leased from private landlords"), d["leased"], ""], ""),
        ([_("Inhabitants on 1 January %(year)s") % {"year": year},
          population.inhabitants if population else _("Not entered"),
          _("From SSB, entered on this page.")], ""),
        # Rounded here, so the export writes the 2,5 the screen shows.
        ([_("Municipal dwellings per 1,000 inhabitants"),
          rounded(f["per_1000"], 1) if f["per_1000"] is not None else None,
          _("Municipal dwellings divided by the inhabitants on 1 January, times 1,000.")], ""),
        ([_("Applications for a municipal dwelling received"), count("received"),
          _("Applications registered from 1 January to %(day)s.") % {"day": day}],
         _people_url(staff, f["received"], "kostra-soknader", år=year)),
        ([_("Applications granted"), count("granted"),
          _("Decisions granting a dwelling made from 1 January to %(day)s.") % {"day": day}],
         _people_url(staff, f["granted"], "kostra-innvilget", år=year)),
        ([_("Applications refused"), count("refused"),
          _("Decisions refusing a dwelling made from 1 January to %(day)s.") % {"day": day}],
         _people_url(staff, f["refused"], "kostra-avslag", år=year)),
        ([_("Households newly moved in"), count("moved_in"),
          _("Tenancies that began from 1 January to %(day)s, with or without an allocation "
            "in Husly; a household that moved twice is counted once.") % {"day": day}],
         _people_url(staff, f["moved_in"], "kostra-innflyttet", år=year)),
        ([_("Households on the waiting list"), count("waiting"),
          _("Applications granted a dwelling on %(day)s or earlier that had not been "
            "allocated one and were not withdrawn by that day.") % {"day": day}],
         _people_url(staff, f["waiting"], "kostra-venteliste", år=year)),
        ([_("Households in temporary housing"), count("temporary"),
          _("People registered in shelter or temporary housing at some time from 1 January to "
            "%(day)s; one person is one household.") % {"day": day}],
         _people_url(staff, f["temporary"], "kostra-midlertidig", år=year)),
        ([_("Of these, stays longer than three months"), count("temporary_long"),
          _("A stay there lasting more than three months by %(day)s.") % {"day": day}],
         _people_url(staff, f["temporary_long"], "kostra-midlertidig-lenge", år=year)),
    ]
    headers = [_("Figure"), _("Value"), _("Definition")]
    return headers, [r for r, _url in rows], [url for _r, url in rows]


@page("outcomes")
def kostra_figures(request):
    """Annual figures in the shape of SSB's KOSTRA form 13, with each definition stated."""
    staff = request.staff
    years = kostra.years_available(municipality=staff.municipality)
    year = _kostra_year(request, years)
    f = kostra.kostra_figures(municipality=staff.municipality, year=year)
    headers, table, links = kostra_table(staff, f)
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename=f"kostra-{year}", headers=headers,
                                      rows=table)
    may_enter = staff.may_open("outcomes_manage")
    return render(request, "outcomes/kostra.html", {
        "f": f, "years": years, "year": year, "headers": headers,
        "rows": [{"cells": cells, "url": url}
                 for cells, url in zip(_screen(table), links, strict=True)],
        "may_enter": may_enter, "protected": outcome_figures_protected(staff),
        "population_form": PopulationForm(initial={
            "year": year, "inhabitants": f["population"].inhabitants if f["population"]
            else None}) if may_enter else None})


@require_POST
@page("outcomes_manage")
def population_record(request):
    form = PopulationForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        if service_call(request, lambda: services.population_record(
                municipality=request.staff.municipality, year=year,
                inhabitants=form.cleaned_data["inhabitants"], by=request.staff.user),
                _("Inhabitants for %(year)s saved.") % {"year": year}):
            return redirect(f"{reverse('outcomes:kostra')}?år={year}")
    from django.contrib import messages

    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    query = urlencode({"år": request.POST.get("year", "")})
    return redirect(f"{reverse('outcomes:kostra')}?{query}")


def _council_audit(f) -> dict:
    """The internal audit for the council: the per-team table is the leader's working list,
    so the council gets its sum in one row."""
    tables = audit_tables(None, f)
    tables["hovedkontakt"]["rows"] = [[_("All teams (%(n)s)") % {"n": len(f["teams"])},
                                       *tables["hovedkontakt"]["sums"]]]
    return tables


def _screen_table(headers_rows) -> dict:
    headers, rows = headers_rows
    return {"headers": headers, "rows": _screen(rows)}


@page("outcomes")
def council_report(request):
    """The report to the council as PDF, in the municipality's written language. It leaves
    the system, so it names nobody and its figures are protected as for a reader who sees no
    people (ADR 0034), whoever prints it."""
    from django.utils import timezone, translation


    staff = request.staff
    municipality = staff.municipality
    language = municipality.written_language
    years = kostra.years_available(municipality=municipality)
    year = _kostra_year(request, years)
    # Numbers and months are written inside the override too: the report reads as the
    # municipality writes (87,7 %, januar 2026), whatever language the user chose.
    with translation.override(language):
        flow = selectors.monthly_flow(municipality=municipality)
        flow_headers, flow_rows, flow_facts = _flow_table(None, flow)
        stability_data = stability_report(municipality=municipality, filters={})
        stability_hidden = _hidden(None, stability_data, disclosure.stability_hidden)
        audit = _council_audit(audit_figures(municipality=municipality))
        for table in audit.values():
            table["rows"] = _screen(table["rows"])
        context = {
            "municipality": municipality, "today": timezone.localdate(), "year": year,
            **flow_facts, "flow_data": flow,
            # Month, inflow, outflow and the number at the month's end: what fits on A4.
            "flow": {"headers": [flow_headers[i] for i in (0, 4, 8, 9)],
                     "rows": _screen([[row[i] for i in (0, 4, 8, 9)] for row in flow_rows])},
            "stability": _screen_table(stability_table(stability_data, stability_hidden)),
            "sandnes": percent(stability_data["sandnes"], 0),
            "process": _screen_table(process_table(
                None, process_figures(municipality=municipality))),
            "kostra": _screen_table(kostra_table(
                None, kostra.kostra_figures(municipality=municipality, year=year))[:2]),
            "audit": audit,
            "chart": _stability_chart(stability_data, stability_hidden, True),
        }
    html = document_html("outcomes/council_report.html", context, language=language)
    return pdf_response(pdf_from_html(html), f"husly-rapport-{year}.pdf")
