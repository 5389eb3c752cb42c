"""The method page, each worker's first-day checklist, and the team leader's editing pages.
Thin: reads from `selectors`, writes through `services`, access from `access.policy`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.guidance import forms, selectors, services
from husly.guidance.models import Place

PROGRESS_PAGE_SIZE = 50


def _grouped(request) -> dict:
    """The municipality's texts; the defaults are stored the first time anyone comes here."""
    municipality = request.staff.municipality
    grouped = selectors.guidance_by_place(municipality=municipality)
    if not any(grouped.values()):
        services.guidance_ensure(municipality=municipality, by=request.staff.user)
        grouped = selectors.guidance_by_place(municipality=municipality)
    return grouped


def _checklist_context(request) -> dict:
    items = selectors.checklist_for(municipality=request.staff.municipality,
                                    user=request.staff.user)
    return {"checklist": items, "done": sum(1 for item in items if item.ticked_at)}


@page("guidance")
def home(request):
    grouped = _grouped(request)
    in_context = [{"place": place, "label": Place(place).label, "texts": grouped[place]}
                  for place in Place.in_context() if grouped[place]]
    return render(request, "guidance/home.html", {
        "principles": grouped[Place.PRINCIPLES], "routines": grouped[Place.ROUTINE],
        "in_context": in_context, "may_manage": request.staff.may_open("guidance_manage"),
        **_checklist_context(request)})


@require_POST
@page("guidance")
def tick(request, pk: int):
    """Tick or untick a point of one's own checklist; htmx gets the list back in place."""
    item = selectors.checklist_item_get(municipality=request.staff.municipality, pk=pk)
    try:
        services.checklist_tick(item=item, user=request.staff.user,
                                done=request.POST.get("done") != "0")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    if request.htmx:
        return render(request, "guidance/_checklist.html", _checklist_context(request))
    return redirect(reverse("guidance:home") + "#sjekkliste")


@page("guidance_manage")
def manage(request):
    grouped = _grouped(request)
    sections = [{"place": place, "label": Place(place).label, "texts": grouped[place]}
                for place in [Place.PRINCIPLES, *Place.in_context(), Place.ROUTINE]]
    return render(request, "guidance/manage.html", {"sections": sections})


@page("guidance_manage")
def text_edit(request, pk: int):
    text = selectors.guidance_text_get(municipality=request.staff.municipality, pk=pk)
    fixed = services.is_default(text)
    form = forms.GuidanceTextForm(
        request.POST or None, place_fixed=fixed,
        initial={"title": text.title, "body": text.body, "place": text.place})
    if request.method == "POST" and form.is_valid():
        try:
            services.guidance_text_update(text=text, by=request.staff.user,
                                          title=form.cleaned_data["title"],
                                          body=form.cleaned_data["body"],
                                          place=form.cleaned_data.get("place"))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The text is saved. It shows where the work is done "
                                        "from now on."))
            return redirect("guidance:manage")
    return render(request, "guidance/text_form.html", {
        "form": form, "text": text, "place_label": text.get_place_display()})


@page("guidance_manage")
def text_add(request):
    form = forms.GuidanceTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guidance_text_create(municipality=request.staff.municipality,
                                          by=request.staff.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The routine is added."))
            return redirect("guidance:manage")
    return render(request, "guidance/text_form.html", {"form": form, "text": None})


@page("guidance_manage")
def checklist_manage(request):
    municipality = request.staff.municipality
    _grouped(request)
    form = forms.ChecklistItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_create(municipality=municipality, by=request.staff.user,
                                           text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The point is added to the checklist."))
            return redirect("guidance:checklist_manage")
    items = selectors.checklist_items(municipality=municipality)
    page_obj = Paginator(selectors.checklist_progress(municipality=municipality),
                         PROGRESS_PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "guidance/checklist_manage.html", {
        "form": form, "items": items, "page_obj": page_obj,
        "in_use": sum(1 for item in items if item.active)})


@page("guidance_manage")
def checklist_item_edit(request, pk: int):
    item = selectors.checklist_item_get(municipality=request.staff.municipality, pk=pk)
    form = forms.ChecklistItemEditForm(request.POST or None,
                                       initial={"text": item.text, "active": item.active})
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_update(item=item, by=request.staff.user,
                                           **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The point is saved."))
            return redirect("guidance:checklist_manage")
    return render(request, "guidance/checklist_item_form.html", {"form": form, "item": item})


@require_POST
@page("guidance_manage")
def checklist_item_move(request, pk: int):
    item = selectors.checklist_item_get(municipality=request.staff.municipality, pk=pk)
    try:
        services.checklist_item_move(item=item, up=request.POST.get("direction") == "up",
                                     by=request.staff.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(reverse("guidance:checklist_manage") + f"#punkt-{item.pk}")
