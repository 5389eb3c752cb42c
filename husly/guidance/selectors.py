"""Reads of method guidance. Nothing here is about a person except each worker's own ticks;
every read is of one municipality."""

from __future__ import annotations

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from husly.accounts.models import RoleAssignment, User
from husly.guidance.defaults import DEFAULT_TEXTS
from husly.guidance.models import ChecklistItem, ChecklistTick, GuidanceText, Place


def _defaults(municipality, place: str) -> list[GuidanceText]:
    """The defaults, unsaved, for a municipality whose texts are not stored yet (nobody has
    opened the method page): what it will start with is shown meanwhile."""
    now = timezone.now()
    texts = []
    for order, default in enumerate(DEFAULT_TEXTS):
        if default.place == place:
            title, body = default.in_language(municipality.written_language)
            texts.append(GuidanceText(municipality=municipality, key=default.key, place=place,
                                      title=title, body=body, order=order, updated_at=now))
    return texts


def guidance_for(*, municipality, place: str) -> list[GuidanceText]:
    """The texts shown at one place in the workflow, in order: one query."""
    if municipality is None:
        return []
    texts = list(GuidanceText.objects.filter(municipality=municipality, place=place)
                 .order_by("order", "id"))
    return texts or _defaults(municipality, place)


def guidance_by_place(*, municipality) -> dict[str, list[GuidanceText]]:
    """Every text of the municipality, grouped by place (the method page): one query."""
    grouped: dict[str, list[GuidanceText]] = {place: [] for place in Place.values}
    for text in (GuidanceText.objects.filter(municipality=municipality)
                 .select_related("updated_by").order_by("order", "id")):
        grouped[text.place].append(text)
    return grouped


def guidance_text_get(*, municipality, pk: int) -> GuidanceText:
    return get_object_or_404(GuidanceText, municipality=municipality, pk=pk)


def checklist_item_get(*, municipality, pk: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem, municipality=municipality, pk=pk)


def checklist_for(*, municipality, user) -> list[ChecklistItem]:
    """The points in use, each with `ticked_at`: when this user did it (None if not yet)."""
    mine = ChecklistTick.objects.filter(item=OuterRef("pk"), user=user).values("ticked_at")[:1]
    return list(ChecklistItem.objects.filter(municipality=municipality, active=True)
                .annotate(ticked_at=Subquery(mine)).order_by("order", "id"))


def checklist_items(*, municipality) -> list[ChecklistItem]:
    """All points, retired ones too, each with how many have ticked it (the leader's list)."""
    return list(ChecklistItem.objects.filter(municipality=municipality)
                .annotate(tick_count=Count("ticks")).order_by("order", "id"))


def checklist_progress(*, municipality):
    """Each staff member of the municipality with how many points in use they have done and
    when they last ticked one: the leader sees who is through their first day."""

    in_use = Q(checklist_ticks__item__municipality=municipality,
               checklist_ticks__item__active=True)
    return (User.objects
            .filter(pk__in=RoleAssignment.objects.filter(municipality=municipality)
                    .values("user_id"), is_active=True)
            .annotate(done=Count("checklist_ticks", filter=in_use),
                      last_ticked=Max("checklist_ticks__ticked_at", filter=in_use))
            .order_by(F("last_ticked").desc(nulls_last=True), "first_name", "last_name", "pk"))
