"""The fidelity pages. Thin: numbers from `selectors`, writes through `services`, access by
the page kinds `fidelity` (read) and `fidelity_manage` (score, edit items)."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.common import exports
from husly.common.views import service_call
from husly.fidelity import selectors, services
from husly.fidelity.defaults import DEFAULT_SCALE
from husly.fidelity.forms import ItemForm, NewItemForm, ScoreForm, StartForm
from husly.fidelity.models import FidelityScore


def _rounded(value, places: int) -> Decimal:
    # number_format cuts a float's decimals off; a mean of 2.96 is 3.0, not 2.9.
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _number(value, places=1) -> str:
    return number_format(_rounded(value, places), places) if value is not None else "–"


def _percent(value) -> str:
    return f"{number_format(_rounded(value, 0), 0)} %" if value is not None else "–"


def _change(value) -> str:
    if value is None:
        return "–"
    rounded = _rounded(value, 1)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    return f"{sign}{number_format(abs(rounded), 1)}"


@page("fidelity")
def overview(request):
    """Every team's assessments, newest first; the leader starts this year's here."""
    staff = request.staff
    services.fidelity_items_ensure(municipality=staff.municipality)
    listed = list(selectors.assessments(municipality=staff.municipality))
    means = selectors.overall_means(assessments=listed)
    rows = [{"assessment": a, "mean": _number(means[a.pk]["mean"]) if a.pk in means else "–",
             "percent": _percent(means[a.pk]["percent"]) if a.pk in means else "–",
             "scored": means.get(a.pk, {}).get("scored", 0)} for a in listed]
    may_manage = staff.may_open("fidelity_manage")
    return render(request, "fidelity/overview.html", {
        "rows": rows, "may_manage": may_manage,
        "start_form": StartForm(municipality=staff.municipality, user=staff.user)
        if may_manage else None})


@require_POST
@page("fidelity_manage")
def start(request):
    staff = request.staff
    form = StartForm(request.POST, municipality=staff.municipality)
    if form.is_valid():
        try:
            assessment = services.fidelity_assessment_start(
                team=form.cleaned_data["team"], year=form.cleaned_data["year"], by=staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The assessment for %(year)s is started: score each "
                                        "item.") % {"year": assessment.year})
            return redirect("fidelity:score", pk=assessment.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("fidelity:overview")


def _assessment(request, pk):
    return get_object_or_404(selectors.assessments(municipality=request.staff.municipality),
                             pk=pk)


def domain_table(result) -> tuple[list, list[list]]:
    previous = result.previous
    headers = [_("Domain"), _("Mean score"), _("Share of the highest score"),
               _("Items scored")]
    if previous is not None:
        headers += [_("Mean score %(year)s") % {"year": previous.year}, _("Change")]
    rows = []
    for d in [*result.domains, None]:
        if d is None:
            row = [_("All items"), _number(result.mean), _percent(result.percent),
                   result.scored]
            before = result.previous_mean
            change = (result.mean - before if result.mean is not None and before is not None
                      else None)
        else:
            row = [d.domain.name, _number(d.mean), _percent(d.percent), d.scored]
            before, change = d.previous_mean, d.change
        if previous is not None:
            row += [_number(before), _change(change)]
        rows.append(row)
    return headers, rows


def history_table(history) -> tuple[list, list[list]]:
    headers = [_("Year"), *[d.name for d in history["domains"]], _("All items")]
    rows = [[r["year"], *[_number(m) for m in r["means"]], _number(r["overall"])]
            for r in history["rows"]]
    return headers, rows


def _history_chart(history, top: int):
    """Horizontal bars: for each domain, one bar per year (the latest years), labelled with the
    year and the mean. Drawn by the template as SVG; the same numbers are in the table."""
    rows = history["rows"][-selectors.CHART_YEARS:]
    label_w, bar_w, bar_h, gap, head = 44, 300, 12, 3, 16
    y, groups = 0, []
    for i, domain in enumerate(history["domains"]):
        group = {"name": domain.name, "y": y + 11, "bars": []}
        y += head
        for r in rows:
            mean = r["means"][i]
            width = bar_w * mean / top if mean is not None and top else 0
            # Coordinates as text: a float in a template is written with a decimal comma.
            group["bars"].append({
                "year": r["year"], "y": y, "text_y": y + bar_h - 2, "w": f"{width:.1f}",
                "value": _number(mean), "value_x": f"{label_w + width + 4:.1f}"})
            y += bar_h + gap
        y += 8
        groups.append(group)
    return {"groups": groups, "width": label_w + bar_w + 40, "height": max(y, 1),
            "label_w": label_w, "bar_h": bar_h}


def _scale_top(assessment) -> int:
    top = FidelityScore.objects.filter(assessment=assessment).aggregate(
        top=Max("item__scale_max"))["top"]
    return top or DEFAULT_SCALE[1]


@page("fidelity")
def assessment(request, pk: int):
    """One year's result per domain, where it slipped since the previous year, and the
    team's domain means over time, as a chart with the same numbers in a table."""
    assessment = _assessment(request, pk)
    result = selectors.assessment_result(assessment)
    history = selectors.team_history(team=assessment.team, up_to=assessment.year,
                                     include=assessment)
    fmt, which = request.GET.get("eksport"), request.GET.get("tabell", "domener")
    tables = {"domener": domain_table(result), "over-tid": history_table(history)}
    if fmt in ("csv", "xlsx") and which in tables:
        headers, rows = tables[which]
        filename = f"modelltrofasthet-{assessment.year}-{which}"
        return exports.table_response(fmt=fmt, filename=filename, headers=headers, rows=rows)
    scores = assessment.scores.select_related("item__domain").order_by(
        "item__domain__order", "item__domain_id", "item__order", "item_id")
    groups = []
    for s in scores:
        if not groups or groups[-1]["domain"].pk != s.item.domain_id:
            groups.append({"domain": s.item.domain, "scores": []})
        groups[-1]["scores"].append(s)
    domain_headers, domain_rows = tables["domener"]
    history_headers, history_rows = tables["over-tid"]
    return render(request, "fidelity/assessment.html", {
        "assessment": assessment, "result": result,
        "domain_headers": domain_headers, "domain_rows": domain_rows,
        "history_headers": history_headers, "history_rows": history_rows,
        "chart": _history_chart(history, _scale_top(assessment)),
        "mean": _number(result.mean), "percent": _percent(result.percent),
        "groups": groups, "may_manage": request.staff.may_open("fidelity_manage"),
        "missing": selectors.missing_items(assessment) if not assessment.is_completed else [],
    })


@page("fidelity_manage")
def score(request, pk: int):
    """Score each item 1–4 with a comment; save as a draft or complete."""
    assessment = _assessment(request, pk)
    if assessment.is_completed:
        messages.info(request, _("The assessment is completed. Reopen it to change the "
                                 "scores."))
        return redirect("fidelity:assessment", pk=assessment.pk)
    items = list(selectors.scorable_items(assessment))
    existing = {s.item_id: s for s in assessment.scores.all()}
    initial = {"assessed_on": assessment.assessed_on}
    for item_id, s in existing.items():
        initial[f"s{item_id}"] = s.score
        initial[f"c{item_id}"] = s.comment
    form = ScoreForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.fidelity_scores_save(assessment=assessment, scores=form.scores(),
                                          assessed_on=form.cleaned_data["assessed_on"],
                                          by=request.staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if request.POST.get("handling") != "fullfor":
                messages.success(request, _("The draft is saved."))
                return redirect("fidelity:score", pk=assessment.pk)
            if service_call(request, lambda: services.fidelity_assessment_complete(
                    assessment=assessment, by=request.staff.user),
                    _("The assessment is completed.")):
                return redirect("fidelity:assessment", pk=assessment.pk)
            messages.info(request, _("The scores are saved as a draft."))
            return redirect("fidelity:score", pk=assessment.pk)
    previous = selectors.previous_assessment(assessment)
    before = (dict(previous.scores.filter(score__isnull=False).values_list("item_id", "score"))
              if previous else {})
    return render(request, "fidelity/score.html", {
        "assessment": assessment, "form": form, "groups": form.groups(before),
        "previous": previous,
        "scored": sum(1 for s in existing.values() if s.score is not None),
        "total": len(items)})


@require_POST
@page("fidelity_manage")
def reopen(request, pk: int):
    assessment = _assessment(request, pk)
    if service_call(request, lambda: services.fidelity_assessment_reopen(
            assessment=assessment, by=request.staff.user),
            _("The assessment is a draft again: correct the scores and complete it.")):
        return redirect("fidelity:score", pk=assessment.pk)
    return redirect("fidelity:assessment", pk=assessment.pk)


@page("fidelity_manage")
def items(request):
    """The municipality's items per domain: edit, retire, add."""
    staff = request.staff
    services.fidelity_items_ensure(municipality=staff.municipality)
    form = NewItemForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.fidelity_item_create(
                municipality=staff.municipality, domain=form.cleaned_data["domain"],
                text=form.cleaned_data["text"], order=form.cleaned_data["order"],
                by=staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The item is added: it is scored in every "
                                        "assessment not yet completed."))
            return redirect("fidelity:items")
    groups = []
    for item in selectors.items(municipality=staff.municipality):
        if not groups or groups[-1]["domain"].pk != item.domain_id:
            groups.append({"domain": item.domain, "items": []})
        groups[-1]["items"].append(item)
    return render(request, "fidelity/items.html", {"groups": groups, "form": form})


@page("fidelity_manage")
def item_edit(request, pk: int):
    item = get_object_or_404(selectors.items(municipality=request.staff.municipality), pk=pk)
    form = ItemForm(request.POST or None, initial={
        "text": item.text, "order": item.order, "active": item.active})
    if request.method == "POST" and form.is_valid():
        try:
            services.fidelity_item_update(item=item, by=request.staff.user,
                                          **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("fidelity:items")
    return render(request, "fidelity/item_form.html", {"item": item, "form": form})

