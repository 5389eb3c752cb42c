"""The cost-sharing pages. Thin: numbers from `selectors`, writes through `services`, access
by the page kinds `cost_sharing` (read) and `cost_sharing_manage` (add, edit, copy)."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.common import exports
from husly.costs import selectors, services
from husly.costs.forms import SHARE_ROWS, CopyForm, PositionForm


def kroner(value) -> str:
    """Whole kroner with thousand grouping: 375 000."""
    whole = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return number_format(whole, 0, force_grouping=True)


def fte(value) -> str:
    """Full-time equivalents with two decimals: 0,50."""
    return number_format(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), 2,
                         force_grouping=True)


def _year(request) -> int:
    try:
        year = int(request.GET.get("år", ""))
    except ValueError:
        return timezone.localdate().year
    return year if services.YEAR_MIN <= year <= services.YEAR_MAX else timezone.localdate().year


def summary_table(summary) -> tuple[list, list[list]]:
    headers = [_("Unit"), _("Share of the costs (kr)"), _("Full-time equivalents")]
    rows = [[u.name, kroner(u.cost), fte(u.fte)] for u in summary.units]
    rows.append([_("Total"), kroner(summary.total_cost), fte(summary.total_fte)])
    return headers, rows


@page("cost_sharing")
def overview(request):
    """The year's positions with their shares, and what each unit pays."""
    municipality = request.staff.municipality
    year = _year(request)
    summary = selectors.cost_summary(municipality=municipality, year=year)
    headers, rows = summary_table(summary)
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(fmt=fmt, filename=f"kostnadsdeling-{year}",
                                      headers=headers, rows=rows)
    this_year = timezone.localdate().year
    years = sorted(set(selectors.years(municipality=municipality))
                   | {this_year, this_year + 1, year})
    may_manage = request.staff.may_open("cost_sharing_manage")
    positions = [{"position": p, "cost": kroner(p.annual_cost),
                  "shares": list(p.shares.all())} for p in summary.positions]
    return render(request, "costs/overview.html", {
        "year": year, "years": years, "summary": summary, "positions": positions,
        "summary_headers": headers, "summary_rows": rows[:-1], "summary_total": rows[-1],
        "may_manage": may_manage,
        "copy_form": CopyForm(initial={"from_year": year, "to_year": year + 1})
        if may_manage else None})


def _save(request, form, position=None):
    staff = request.staff
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.funded_position_save(
                municipality=staff.municipality, year=data["year"], title=data["title"],
                holder=data["holder"], fte_percent=data["fte_percent"],
                annual_cost=data["annual_cost"], note=data["note"], shares=form.shares(),
                by=staff.user, position=position)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The position is saved."))
            return redirect(f"{redirect('costs:overview').url}?år={saved.year}")
    return render(request, "costs/position_form.html", {
        "form": form, "position": position, "share_rows": form.share_rows(),
        "share_count": SHARE_ROWS})


@page("cost_sharing_manage")
def position_create(request):
    form = PositionForm(request.POST or None, municipality=request.staff.municipality,
                        initial={"year": _year(request)} if "år" in request.GET else None)
    return _save(request, form)


@page("cost_sharing_manage")
def position_edit(request, pk: int):
    position = get_object_or_404(selectors.positions(municipality=request.staff.municipality),
                                 pk=pk)
    initial = {"year": position.year, "title": position.title, "holder": position.holder_id,
               "fte_percent": position.fte_percent, "annual_cost": position.annual_cost,
               "note": position.note}
    for n, share in enumerate(position.shares.all()[:SHARE_ROWS], start=1):
        initial[f"unit_{n}"] = share.unit_id
        initial[f"percent_{n}"] = share.percent
    form = PositionForm(request.POST or None, municipality=request.staff.municipality,
                        initial=initial)
    return _save(request, form, position)


@require_POST
@page("cost_sharing_manage")
def year_copy(request):
    form = CopyForm(request.POST)
    to_year = None
    if form.is_valid():
        to_year = form.cleaned_data["to_year"]
        try:
            copies = services.funded_position_copy_year(
                municipality=request.staff.municipality,
                from_year=form.cleaned_data["from_year"], to_year=to_year,
                by=request.staff.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            to_year = form.cleaned_data["from_year"]
        else:
            messages.success(request, ngettext(
                "%(count)s position is copied to %(year)s: correct the costs for the new year.",
                "%(count)s positions are copied to %(year)s: correct the costs for the new year.",
                len(copies)) % {"count": len(copies), "year": to_year})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    url = redirect("costs:overview").url
    return redirect(f"{url}?år={to_year}" if to_year else url)
