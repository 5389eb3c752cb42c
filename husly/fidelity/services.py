"""Every write of the fidelity self-assessment: the items, starting, scoring, completing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.common.events import changes_between, event_record
from husly.common.models import Municipality, WrittenLanguage
from husly.fidelity.defaults import DEFAULT_ITEMS, DEFAULT_SCALE
from husly.fidelity.models import (
    AssessmentStatus,
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityScore,
)
from husly.fidelity.selectors import missing_items, scorable_items

FIRST_YEAR = 2000
TEXT_MAX = FidelityItem._meta.get_field("text").max_length


@transaction.atomic
def fidelity_items_ensure(*, municipality) -> bool:
    """Give the municipality its own copy of the default domains and items, in its written
    language, unless it has them. True when they were created now."""
    if FidelityDomain.objects.filter(municipality=municipality).exists():
        return False  # the usual case, without taking the lock
    # The municipality's row is the lock: two first visitors at once seed once.
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if FidelityDomain.objects.filter(municipality=locked).exists():
        return False
    language = (locked.written_language if locked.written_language in WrittenLanguage.values
                else WrittenLanguage.BOKMAL)
    low, high = DEFAULT_SCALE
    count = 0
    for d_order, (key, names, items) in enumerate(DEFAULT_ITEMS, start=1):
        domain = FidelityDomain.objects.create(municipality=locked, key=key,
                                               name=names[language], order=d_order)
        FidelityItem.objects.bulk_create([
            FidelityItem(municipality=locked, domain=domain, text=texts[language],
                         order=i_order, scale_min=low, scale_max=high)
            for i_order, texts in enumerate(items, start=1)])
        count += len(items)
    event_record(name="fidelity.items_seeded", actor=None, target=locked, municipality=locked,
                 changes={"items": count, "language": language})
    return True


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": [_("Write the item's text.")]})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": [_("Keep the text to %(n)s characters.") % {
            "n": TEXT_MAX}]})
    return text


@transaction.atomic
def fidelity_item_create(*, municipality, domain: FidelityDomain, text: str, order: int = 0,
                         by) -> FidelityItem:
    if domain.municipality_id != municipality.pk:
        raise ValidationError({"domain": [_("Choose one of the municipality's domains.")]})
    low, high = DEFAULT_SCALE
    item = FidelityItem.objects.create(municipality=municipality, domain=domain,
                                       text=_clean_text(text), order=order, scale_min=low,
                                       scale_max=high)
    event_record(name="fidelity.item_created", actor=by, target=item,
                 changes={"domain": domain, "text": item.text, "order": order})
    return item


@transaction.atomic
def fidelity_item_update(*, item: FidelityItem, text: str, order: int, active: bool,
                         by) -> FidelityItem:
    """Change an item's text, place or whether it is scored in new assessments. Scores given
    earlier keep the text they were given with."""
    values = {"text": _clean_text(text), "order": order, "active": active}
    diff = changes_between(item, values)
    if not diff:
        return item
    for field, value in values.items():
        setattr(item, field, value)
    item.save(update_fields=list(values))
    event_record(name="fidelity.item_changed", actor=by, target=item, changes=diff)
    return item


@transaction.atomic
def fidelity_assessment_start(*, team, year: int, by,
                              assessed_on: datetime.date | None = None) -> FidelityAssessment:
    """Open this year's self-assessment for a team, as a draft. One per team and year."""
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError({"year": [_("Choose a year from %(first)s to this year.") % {
            "first": FIRST_YEAR}]})
    fidelity_items_ensure(municipality=team.municipality)
    existing = FidelityAssessment.objects.filter(team=team, year=year).exists()
    if existing:
        raise ValidationError({"year": [
            _("%(team)s already has a fidelity assessment for %(year)s: open it in the list "
              "instead.") % {"team": team.name, "year": year}]})
    assessment = FidelityAssessment.objects.create(
        municipality_id=team.municipality_id, team=team, year=year,
        assessed_on=assessed_on or today, started_by=by if getattr(by, "pk", None) else None)
    event_record(name="fidelity.assessment_started", actor=by, target=assessment,
                 changes={"team": team, "year": year})
    return assessment


def _require_draft(assessment: FidelityAssessment):
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("The assessment for %(year)s is completed. Reopen it to change "
                                "the scores.") % {"year": assessment.year})


@transaction.atomic
def fidelity_scores_save(*, assessment: FidelityAssessment, scores: dict, by,
                         assessed_on: datetime.date | None = None) -> FidelityAssessment:
    """Save the draft's scores: `scores` maps an item's id to (score or None, comment). A
    score outside the item's scale is refused with the item named, and nothing is saved."""
    assessment = FidelityAssessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(assessment)
    items = {item.pk: item for item in scorable_items(assessment)}
    errors = []
    if assessed_on is not None and assessed_on > timezone.localdate():
        errors.append(_("The date of the assessment cannot be in the future."))
    for item_id, (score, _comment) in scores.items():
        item = items.get(item_id)
        if item is None:
            errors.append(_("One of the items is not part of this assessment: reload the page "
                            "and score again."))
            continue
        if score is not None and not item.scale_min <= score <= item.scale_max:
            errors.append(_("«%(item)s»: the score must be from %(low)s to %(high)s; %(score)s "
                            "is outside the scale.") % {
                "item": item.text, "low": item.scale_min, "high": item.scale_max,
                "score": score})
    if errors:
        raise ValidationError(errors)
    existing = {s.item_id: s for s in assessment.scores.all()}
    saved = 0
    for item_id, (score, comment) in scores.items():
        comment = (comment or "").strip()
        row = existing.get(item_id)
        if score is None and not comment:
            if row is not None:
                row.delete()
            continue
        if row is None:
            FidelityScore.objects.create(
                municipality_id=assessment.municipality_id, assessment=assessment,
                item=items[item_id], item_text=items[item_id].text, score=score,
                comment=comment)
        elif (row.score, row.comment, row.item_text) != (score, comment, items[item_id].text):
            row.score, row.comment, row.item_text = score, comment, items[item_id].text
            row.save(update_fields=["score", "comment", "item_text"])
        saved += score is not None
    if assessed_on is not None:
        assessment.assessed_on = assessed_on
        assessment.save(update_fields=["assessed_on"])
    # The comments are the team's words about its own work; the event keeps the count.
    event_record(name="fidelity.scores_saved", actor=by, target=assessment,
                 changes={"scored": saved, "assessed_on": assessment.assessed_on})
    return assessment


@transaction.atomic
def fidelity_assessment_complete(*, assessment: FidelityAssessment, by) -> FidelityAssessment:
    """Complete the assessment: every active item must have a score."""
    assessment = FidelityAssessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(assessment)
    missing = missing_items(assessment)
    if missing:
        raise ValidationError(
            [_("Score every item before completing. Not scored yet (%(n)s):") % {
                "n": len(missing)}]
            + [f"{item.domain.name}: {item.text}" for item in missing])
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_by = by if getattr(by, "pk", None) else None
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["status", "completed_by", "completed_at"])
    event_record(name="fidelity.assessment_completed", actor=by, target=assessment,
                 changes={"year": assessment.year,
                          "scored": assessment.scores.filter(score__isnull=False).count()})
    return assessment


@transaction.atomic
def fidelity_assessment_reopen(*, assessment: FidelityAssessment, by) -> FidelityAssessment:
    """Back to a draft, to correct a score; it is completed again the same way."""
    assessment = FidelityAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.COMPLETED:
        raise ValidationError(_("Only a completed assessment can be reopened."))
    assessment.status = AssessmentStatus.DRAFT
    assessment.completed_by = None
    assessment.completed_at = None
    assessment.save(update_fields=["status", "completed_by", "completed_at"])
    event_record(name="fidelity.assessment_reopened", actor=by, target=assessment,
                 changes={"year": assessment.year})
    return assessment
