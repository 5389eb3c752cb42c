"""The import pages: upload → columns → check (dry run) → import → receipt. Thin: the file
is read and kept by `services`, found again by `selectors` (the uploader's own, in this
municipality), access by the page kind `imports` and the kinds of `policy.import_kinds`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.policy import import_kinds
from husly.imports import selectors, services
from husly.imports.fields import fields_for
from husly.imports.forms import MappingForm, UploadForm
from husly.imports.models import ImportKind


def _kinds_help(kinds):
    labels = dict(ImportKind.choices)
    return [{"kind": k, "label": labels[k], "fields": fields_for(k)} for k in kinds]


@page("imports")
def start(request):
    staff = request.staff
    kinds = import_kinds(staff)
    initial = {"kind": request.GET.get("type")} if request.GET.get("type") in kinds else None
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_batch_upload(
                municipality=staff.municipality, by=staff.user, kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["upload"], encoding=form.cleaned_data["encoding"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("imports:mapping", batch.pk)
    return render(request, "imports/start.html", {
        "form": form, "kinds": _kinds_help(kinds),
        "recent": selectors.import_batches_recent(staff=staff)})


def _open(request, pk):
    """The upload if it can still be worked on; else where to go instead."""
    batch = selectors.import_batch_get(staff=request.staff, pk=pk)
    if batch.applied_at is not None:
        return batch, redirect("imports:receipt", batch.pk)
    if batch.data_cleared_at is not None:
        messages.error(request, _("The uploaded file is no longer kept. Upload it again."))
        return batch, redirect(f"{redirect('imports:start').url}?type={batch.kind}")
    return batch, None


@page("imports")
def mapping(request, pk: int):
    batch, elsewhere = _open(request, pk)
    if elsewhere:
        return elsewhere
    form = MappingForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_batch_map(batch=batch, mapping=form.mapping(), by=request.staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("imports:check", batch.pk)
    required = {f.name for f in fields_for(batch.kind) if f.required}
    return render(request, "imports/mapping.html", {
        "batch": batch, "form": form, "required": required})


@page("imports")
def check(request, pk: int):
    batch, elsewhere = _open(request, pk)
    if elsewhere:
        return elsewhere
    if batch.mapped_at is None:
        return redirect("imports:mapping", batch.pk)
    outcome = services.import_check(batch=batch, by=request.staff.user)
    return render(request, "imports/check.html", {"batch": batch, "outcome": outcome})


@require_POST
@page("imports")
def apply(request, pk: int):
    batch, elsewhere = _open(request, pk)
    if elsewhere:
        return elsewhere
    try:
        services.import_apply(batch=batch, by=request.staff.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("imports:check", batch.pk)
    return redirect("imports:receipt", batch.pk)


@page("imports")
def receipt(request, pk: int):
    batch = selectors.import_batch_get(staff=request.staff, pk=pk)
    if batch.applied_at is None:
        return redirect("imports:check", batch.pk)
    return render(request, "imports/receipt.html", {"batch": batch, "counts": batch.counts})
