"""Outcome pages: the by-name list, its monthly flow and functional zero, housing stability.
Thin: numbers come from `selectors` and `stability`, access from `access.policy`."""

import datetime

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.policy import outcome_count, outcome_people_shown
from husly.common.formats import date_long
from husly.common.views import service_call
from husly.outcomes import exports, selectors, services
from husly.outcomes.forms import StabilityFilterForm
from husly.outcomes.models import EpisodeEnd, EpisodeStart
from husly.outcomes.process import process_figures
from husly.outcomes.stability import DAYS_PER_MONTH, stability_report
from husly.people.selectors import resident_get

BY_NAME_PAGE_SIZE = 100


def _list_table(rows):
    headers = [_("Name"), _("Without a home since"), _("Days without a home"),
               _("Situation"), _("Next step"), _("Owner"), _("Re-settlement")]
    table = []
    for row in rows:
        resident = row.episode.resident
        table.append([
            resident.full_name if row.shown else _("No access"),
            date_long(row.episode.started_on), row.days,
            resident.get_housing_situation_display() if row.situation_shown else "–",
            row.next_step, str(row.owner or "–"), _("Yes") if row.resettlement else ""])
    return headers, table


@page("by_name_list")
def by_name_list(request):
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        headers, table = _list_table(selectors.by_name_list(staff=request.staff))
        return exports.table_response(fmt=fmt, filename="uten-bolig", headers=headers,
                                      rows=table)
    # A city's list runs to thousands: the page shows 100 at a time, the download all.
    page_obj = Paginator(selectors.open_episodes(municipality=request.staff.municipality),
                         BY_NAME_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = selectors.by_name_list(staff=request.staff, episodes=page_obj.object_list)
    return render(request, "outcomes/by_name_list.html", {
        "rows": rows, "page_obj": page_obj,
        "may_manage": request.staff.may_open("by_name_manage"),
        "inactive": selectors.inactive_list(staff=request.staff),
        "flow": selectors.monthly_flow(municipality=request.staff.municipality, months=3)})


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
    headers = [_("Month"), *[str(label) for _v, label in EpisodeStart.choices],
               _("Inflow"), *[str(label) for _v, label in EpisodeEnd.choices], _("Outflow"),
               _("Without a home at the end of the month")]
    table = []
    for row in flow["rows"]:
        table.append([
            row["month"].strftime("%Y-%m"),
            *[outcome_count(staff, row["inflow"][k]) for k in EpisodeStart.values],
            outcome_count(staff, row["inflow_total"]),
            *[outcome_count(staff, row["outflow"][k]) for k in EpisodeEnd.values],
            outcome_count(staff, row["outflow_total"]), outcome_count(staff, row["active"])])
    return headers, table


@page("outcomes")
def flow(request):
    staff = request.staff
    data = selectors.monthly_flow(municipality=staff.municipality)
    headers, table = _flow_table(staff, data)
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
        month = r["month"].strftime("%Y-%m")
        rows.append({"month": r["month"], "cells": [
            {"value": value, "url": reverse("outcomes:flow_people", args=[month, *kind])
             if kind and people_shown and value else ""}
            for value, kind in zip(cells[1:], kinds, strict=True)]})
    return render(request, "outcomes/flow.html", {
        "flow": data, "headers": headers, "rows": rows,
        "people_shown": outcome_people_shown(staff),
        "current": outcome_count(staff, data["current"]),
        "chart": _flow_chart(data["rows"]),
    })


def _flow_chart(rows):
    """Bars of the number without a home at each month's end, drawn as SVG by the app."""
    top = max([r["active"] for r in rows] + [1])
    width, height, gap = 36, 120, 8
    bars = []
    for i, r in enumerate(rows):
        h = round(height * r["active"] / top)
        bars.append({"x": i * (width + gap), "y": height - h, "h": h, "w": width,
                     "label": r["month"].strftime("%m"), "value": r["active"]})
    return {"bars": bars, "width": len(rows) * (width + gap), "height": height}


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
    if fmt in ("csv", "xlsx"):
        headers, table = _list_table(rows)
        return exports.table_response(fmt=fmt, filename=f"{direction}-{month}-{kind}",
                                      headers=headers, rows=table)
    return render(request, "outcomes/flow_people.html", {
        "rows": rows, "month": first, "label": label})


@page("outcomes")
def stability(request):
    """Kaplan–Meier retention for tenancies and persons, beside the Sandnes example's 70 %."""
    staff = request.staff
    form = StabilityFilterForm(request.GET or None, municipality=staff.municipality)
    report = stability_report(municipality=staff.municipality, filters=form.filters())
    headers = [_("Measure"), _("Months"), _("Still housed"), _("95 % interval"),
               _("Still followed")]
    table = []
    for key, label in (("tenancies", _("Tenancies")), ("persons", _("Persons"))):
        for row in report[key]["rows"]:
            point = row["point"]
            table.append([
                label, row["months"],
                f"{point.survival * 100:.1f} %" if point else _("Not yet known"),
                f"{point.lower * 100:.1f}–{point.upper * 100:.1f} %" if point else "–",
                outcome_count(staff, row["at_risk"])])
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename="bostabilitet", headers=headers,
                                      rows=table)
    query = request.GET.copy()
    query.pop("eksport", None)
    return render(request, "outcomes/stability.html", {
        "form": form, "report": report, "headers": headers, "table": table,
        "query": query.urlencode(),
        "n_tenancies": outcome_count(staff, report["tenancies"]["n"]),
        "n_persons": outcome_count(staff, report["persons"]["n"]),
        "chart": _stability_chart(report),
    })


def _stability_chart(report):
    """Two step curves (tenancies, persons) over 36 months, as SVG paths."""
    width, height, months = 360, 150, 36
    curves = []
    for key in ("tenancies", "persons"):
        path = ["M0,0"]
        for p in report[key]["points"]:
            x = min(p.time / DAYS_PER_MONTH, months) * width / months
            path.append(f"H{x:.1f}V{(1 - p.survival) * height:.1f}")
            if p.time / DAYS_PER_MONTH >= months:
                break
        curves.append({"key": key, "d": "".join(path)})
    return {"curves": curves, "width": width, "height": height,
            "sandnes_y": (1 - report["sandnes"]) * height}


def _percent(share) -> str:
    return f"{share * 100:.1f} %" if share is not None else "–"


@page("outcomes")
def process(request):
    """Deadlines kept and how fast things happen."""
    staff = request.staff
    f = process_figures(municipality=staff.municipality)

    def count(n):
        return outcome_count(staff, n)

    def days(value):
        return "–" if value is None else f"{value:g}"

    table = [
        [_("Joint meetings held within three business days"), _percent(f["meetings_share"]),
         _("%(kept)s of %(due)s") % {"kept": count(f["meetings_kept"]),
                                     "due": count(f["meetings_due"])}],
        [_("Days from decision to keys, median"), days(f["keys_median"]),
         _("%(n)s moves") % {"n": count(f["keys_n"])}],
        [_("Days from decision to keys, 90th percentile"), days(f["keys_p90"]),
         _("%(n)s moves") % {"n": count(f["keys_n"])}],
        [_("Weekly visits done"), _percent(f["visits_share"]),
         _("%(done)s of %(due)s") % {"done": count(f["visits_done"]),
                                     "due": count(f["visits_due"])}],
        [_("Days on the red board, median"), days(f["red_board_median_days"]),
         _("%(n)s times, %(now)s on it now") % {"n": count(f["red_board_n"]),
                                                 "now": count(f["red_board_on_now"])}],
    ]
    for r in f["returns"]:
        table.append([
            _("Back without a home within %(months)s months of moving in") % {
                "months": r["months"]}, _percent(r["share"]),
            _("%(returned)s of %(tenancies)s tenancies") % {
                "returned": count(r["returned"]), "tenancies": count(r["tenancies"])}])
    headers = [_("Figure"), _("Value"), _("Based on")]
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename="frister-og-tempo", headers=headers,
                                      rows=table)
    return render(request, "outcomes/process.html", {"headers": headers, "table": table})


AGE_LABELS = {"under_25": gettext_lazy("Under 25"), "25_34": "25–34", "35_49": "35–49",
              "50_66": "50–66", "67_plus": gettext_lazy("67 and older"),
              "unknown": gettext_lazy("Birth date not recorded")}


@page("outcomes")
def audit(request):
    """Internal audit: who gets Housing First follow-up, agreement coverage, primary contacts."""
    from husly.outcomes.audit import audit_figures
    from husly.people.models import Background

    staff = request.staff
    f = audit_figures(municipality=staff.municipality)

    def count(n):
        return outcome_count(staff, n)

    def group_rows(groups, label):
        return [[label(key), count(g["followed"]), count(g["all"]),
                 _percent(g["followed"] / g["all"] if g["all"] else None)]
                for key, g in groups.items() if g["all"]]

    background_labels = dict(Background.choices)
    tables = {
        "bakgrunn": {
            "title": _("Housing First follow-up by background"),
            "headers": [_("Background"), _("With a follow-up agreement"), _("Residents"),
                        _("Share")],
            "rows": group_rows(f["by_background"],
                               lambda k: background_labels.get(k) or _("Not recorded"))},
        "alder": {
            "title": _("Housing First follow-up by age"),
            "headers": [_("Age"), _("With a follow-up agreement"), _("Residents"), _("Share")],
            "rows": group_rows(f["by_band"], lambda k: AGE_LABELS[k])},
        "dekning": {
            "title": _("Follow-up agreements among residents with services"),
            "headers": [_("Residents in a municipal dwelling followed by a team"),
                        _("With a running agreement"), _("Without"), _("Coverage")],
            "rows": [[count(f["coverage"]["all"]), count(f["coverage"]["with_agreement"]),
                      count(f["coverage"]["without"]),
                      _percent(f["coverage"]["with_agreement"] / f["coverage"]["all"]
                               if f["coverage"]["all"] else None)]]},
        "hovedkontakt": {
            "title": _("Primary contacts per team"),
            "headers": [_("Team"), _("Residents followed"), _("Without a primary contact"),
                        _("On the red board (the whole team is responsible)")],
            "rows": [[str(t["team"]), count(t["followed"]), count(t["without_contact"]),
                      count(t["red_board"])] for t in f["teams"]]},
    }
    fmt, which = request.GET.get("eksport"), request.GET.get("tabell")
    if fmt in ("csv", "xlsx") and which in tables:
        table = tables[which]
        return exports.table_response(fmt=fmt, filename=f"internkontroll-{which}",
                                      headers=table["headers"], rows=table["rows"])
    return render(request, "outcomes/audit.html", {
        "tables": tables,
        "may_see_without_agreement": staff.may_open("followup")})
