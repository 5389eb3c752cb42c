"""Every write of method guidance: seeding the defaults, the leader's edits, and each
worker's ticks on their own first-day checklist."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from husly.common.events import changes_between, event_record
from husly.common.models import Municipality
from husly.guidance.defaults import DEFAULT_KEYS, DEFAULT_TEXTS, FIRST_DAY_CHECKLIST
from husly.guidance.models import ChecklistItem, ChecklistTick, GuidanceText, Place

TITLE_MAX = GuidanceText._meta.get_field("title").max_length
BODY_MAX = 4000  # short texts: about a page
ITEM_MAX = ChecklistItem._meta.get_field("text").max_length
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "Æ": "Ae", "Ø": "O"})


@transaction.atomic
def guidance_ensure(*, municipality, by=None) -> int:
    """Store the default texts and checklist in the municipality's written language, those
    it does not have yet. Idempotent: edited texts are never overwritten. Returns how many
    rows were added."""
    # One at a time per municipality, so two first visits do not both seed.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    language = municipality.written_language
    have_texts = set(GuidanceText.objects.filter(municipality=municipality)
                     .values_list("key", flat=True))
    have_items = set(ChecklistItem.objects.filter(municipality=municipality)
                     .exclude(key="").values_list("key", flat=True))
    now = timezone.now()
    texts = []
    for order, default in enumerate(DEFAULT_TEXTS):
        if default.key in have_texts:
            continue
        title, body = default.in_language(language)
        texts.append(GuidanceText(municipality=municipality, key=default.key, place=default.place,
                                  title=title, body=body, order=order, updated_at=now))
    items = [ChecklistItem(municipality=municipality, key=default.key, order=order,
                           text=default.in_language(language))
             for order, default in enumerate(FIRST_DAY_CHECKLIST) if default.key not in have_items]
    if not texts and not items:
        return 0
    GuidanceText.objects.bulk_create(texts)
    ChecklistItem.objects.bulk_create(items)
    event_record(name="guidance.seeded", actor=by, target=municipality,
                 municipality=municipality,
                 changes={"language": language, "texts": [t.key for t in texts],
                          "checklist": [i.key for i in items]})
    return len(texts) + len(items)


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip().replace("\r\n", "\n")
    errors = {}
    if not title:
        errors["title"] = [_("Write a short title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}]
    if not body:
        errors["body"] = [_("Write the text. Leave a blank line between paragraphs.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Keep the text under %(max)s characters: short texts are read.")
                          % {"max": BODY_MAX}]
    if errors:
        raise ValidationError(errors)
    return title, body


def _place_for_own_text(place: str) -> str:
    if place not in Place.values or place == Place.PRINCIPLES:
        raise ValidationError({"place": [_(
            "Choose where the text is shown: the Housing First principles are fixed.")]})
    return place


def is_default(text: GuidanceText) -> bool:
    """A text the municipality started with: its place is fixed and it cannot be removed."""
    return text.key in DEFAULT_KEYS


@transaction.atomic
def guidance_text_update(*, text: GuidanceText, title: str, body: str, by,
                         place: str | None = None) -> GuidanceText:
    """The team leader rewrites a text. A default text keeps its place; the municipality's
    own texts may move to another place in the workflow."""
    text = GuidanceText.objects.select_for_update().get(pk=text.pk)
    title, body = _clean_text(title, body)
    values = {"title": title, "body": body}
    if place is not None and place != text.place:
        if is_default(text):
            raise ValidationError({"place": [_(
                "This text belongs where it is shown; write a new text for another place.")]})
        values["place"] = _place_for_own_text(place)
    changes = changes_between(text, values)
    if not changes:
        return text
    for field, value in values.items():
        setattr(text, field, value)
    text.updated_by = by
    text.updated_at = timezone.now()
    text.save()
    event_record(name="guidance.text_updated", actor=by, target=text, changes=changes)
    return text


@transaction.atomic
def guidance_text_create(*, municipality, title: str, body: str, place: str,
                         by) -> GuidanceText:
    """The team leader adds one of the municipality's own routines, shown on the method page
    and, if chosen, where the work is done."""
    title, body = _clean_text(title, body)
    place = _place_for_own_text(place)
    base = slugify(title.translate(NORWEGIAN_LETTERS))[:60] or "rutine"
    taken = set(GuidanceText.objects.filter(municipality=municipality,
                                            key__startswith=base).values_list("key", flat=True))
    key, n = base, 2
    while key in taken or key in DEFAULT_KEYS:
        key, n = f"{base}-{n}", n + 1
    last = GuidanceText.objects.filter(municipality=municipality, place=place).aggregate(
        last=Max("order"))["last"]
    text = GuidanceText.objects.create(
        municipality=municipality, key=key, title=title, body=body, place=place,
        order=(last or 0) + 1, updated_by=by, updated_at=timezone.now())
    event_record(name="guidance.text_created", actor=by, target=text,
                 changes={"key": key, "title": title, "place": place})
    return text


def _clean_item_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write what the new worker should do.")]})
    if len(text) > ITEM_MAX:
        raise ValidationError({"text": [_("Keep the point under %(max)s characters.")
                                        % {"max": ITEM_MAX}]})
    return text


@transaction.atomic
def checklist_item_create(*, municipality, text: str, by) -> ChecklistItem:
    text = _clean_item_text(text)
    last = ChecklistItem.objects.filter(municipality=municipality).aggregate(
        last=Max("order"))["last"]
    item = ChecklistItem.objects.create(municipality=municipality, text=text,
                                        order=0 if last is None else last + 1)
    event_record(name="guidance.checklist_item_created", actor=by, target=item,
                 changes={"text": text})
    return item


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, text: str, active: bool, by) -> ChecklistItem:
    """Rewrite a point or take it out of use. Points are never deleted: ticks refer to them."""
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    values = {"text": _clean_item_text(text), "active": bool(active)}
    changes = changes_between(item, values)
    if changes:
        for field, value in values.items():
            setattr(item, field, value)
        item.save(update_fields=list(values))
        event_record(name="guidance.checklist_item_updated", actor=by, target=item,
                     changes=changes)
    return item


@transaction.atomic
def checklist_item_move(*, item: ChecklistItem, up: bool, by) -> ChecklistItem:
    """Move a point one step up or down the list (swaps with its neighbour)."""
    items = list(ChecklistItem.objects.select_for_update()
                 .filter(municipality_id=item.municipality_id).order_by("order", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        raise ValidationError(_("The point is already first on the list.") if up
                              else _("The point is already last on the list."))
    items[index], items[other] = items[other], items[index]
    # Renumber the whole list: older lists may have equal numbers.
    for order, row in enumerate(items):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])
    moved = items[other]
    event_record(name="guidance.checklist_item_moved", actor=by, target=moved,
                 changes={"order": [index, other]})
    return moved


@transaction.atomic
def checklist_tick(*, item: ChecklistItem, user, done: bool = True) -> ChecklistTick | None:
    """A worker marks a point of their own checklist done, or not done after all."""
    item = ChecklistItem.objects.get(pk=item.pk)  # as it is now: it may have been retired
    if done and not item.active:
        raise ValidationError(_("This point is no longer on the checklist."))
    if done:
        tick, created = ChecklistTick.objects.get_or_create(
            user=user, item=item,
            defaults={"municipality_id": item.municipality_id, "ticked_at": timezone.now()})
        if not created:
            return tick
        event_record(name="guidance.checklist_ticked", actor=user, target=item,
                     changes={"user": user})
        return tick
    deleted, _rows = ChecklistTick.objects.filter(user=user, item=item).delete()
    if deleted:
        event_record(name="guidance.checklist_unticked", actor=user, target=item,
                     changes={"user": user})
    return None
