"""Every write of the outcomes module. Where a person lives changes in people and housing;
this module follows through their events (husly.outcomes.subscribers, ADR 0031)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.accounts.models import Unit, UnitKind
from husly.common.events import event_record
from husly.outcomes.models import (
    EpisodeEnd,
    EpisodeStart,
    HomelessEpisode,
    Population,
    Resettlement,
    SituationSpell,
)
from husly.people import services as people
from husly.people.models import CaseKind, HousingSituation


def _open_episode(resident):
    return HomelessEpisode.objects.select_for_update().filter(
        resident=resident, ended_on__isnull=True).first()


def _start(resident, on: datetime.date, *, kind: str | None = None, by=None):
    if _open_episode(resident) is not None:
        return None
    if kind is None:
        last = HomelessEpisode.objects.filter(resident=resident).order_by("-ended_on").first()
        kind = (EpisodeStart.NEWLY_IDENTIFIED if last is None
                else EpisodeStart.RETURNED_FROM_INACTIVE if last.end_kind == EpisodeEnd.INACTIVE
                else EpisodeStart.RETURNED_FROM_HOUSING if last.end_kind == EpisodeEnd.HOUSED
                else EpisodeStart.NEWLY_IDENTIFIED)
    episode = HomelessEpisode.objects.create(
        municipality_id=resident.municipality_id, resident=resident, started_on=on,
        start_kind=kind)
    event_record(name="homelessness.started", actor=by, target=episode,
                 changes={"resident": resident, "started_on": on, "start_kind": kind})
    return episode


def _end(resident, on: datetime.date, *, kind: str, by=None):
    episode = _open_episode(resident)
    if episode is None:
        return None
    episode.ended_on = max(on, episode.started_on)
    episode.end_kind = kind
    episode.save(update_fields=["ended_on", "end_kind"])
    event_record(name="homelessness.ended", actor=by, target=episode,
                 changes={"resident": resident, "ended_on": episode.ended_on, "end_kind": kind})
    return episode


def _situation_spell_move(resident, situation: str, on: datetime.date):
    """Close the open spell and open one in `situation`; nothing when it is unchanged. A date
    before the open spell began (a correction) replaces that spell's situation instead."""
    current = SituationSpell.objects.select_for_update().filter(
        resident=resident, ended_on__isnull=True).first()
    if current is not None:
        if current.situation == situation:
            return
        if on <= current.started_on:
            current.situation = situation
            current.save(update_fields=["situation"])
            return
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    SituationSpell.objects.create(municipality_id=resident.municipality_id, resident=resident,
                                  situation=situation, started_on=on)


def homelessness_situation_changed(*, resident, situation: str, on: datetime.date, by=None):
    """The person's housing situation is now `situation` (since `on`): keep its history and
    open or close their place on the by-name list. Call inside the caller's transaction."""
    _situation_spell_move(resident, situation, on)
    if situation in HousingSituation.homeless():
        _start(resident, on, by=by)
    elif situation == HousingSituation.MUNICIPAL_TENANCY:
        _end(resident, on, kind=EpisodeEnd.HOUSED, by=by)
    else:
        _end(resident, on, kind=EpisodeEnd.NO_LONGER_HOMELESS, by=by)


def homelessness_housed(*, resident, on: datetime.date, by=None):
    """A tenancy starts: the spell without a home ends as housed."""
    _end(resident, on, kind=EpisodeEnd.HOUSED, by=by)


def homelessness_after_unplanned_end(*, resident, on: datetime.date, by=None):
    _start(resident, on, kind=EpisodeStart.RETURNED_FROM_HOUSING, by=by)


@transaction.atomic
def homelessness_mark_inactive(*, resident, by, on: datetime.date | None = None):
    """No contact for a long time: off the active list until they turn up again."""
    if _end(resident, on or timezone.localdate(), kind=EpisodeEnd.INACTIVE, by=by) is None:
        raise ValidationError(_("The person is not on the list of people without a home."))


@transaction.atomic
def homelessness_reactivate(*, resident, by, on: datetime.date | None = None):
    last = HomelessEpisode.objects.filter(resident=resident).order_by("-ended_on").first()
    if last is None or last.end_kind != EpisodeEnd.INACTIVE or _open_episode(resident):
        raise ValidationError(_("Only a person marked inactive can be put back on the list."))
    _start(resident, on or timezone.localdate(), kind=EpisodeStart.RETURNED_FROM_INACTIVE, by=by)


def resettlement_open(*, tenancy, resident, by, what_went_wrong: str = "",
                      do_differently: str = "", on: datetime.date | None = None) -> Resettlement:
    """A tenancy ended unplanned: a re-settlement case with what went wrong. Called by the
    subscriber to `tenancy.ended`, in its transaction."""
    on = on or timezone.localdate()
    unit = Unit.objects.filter(municipality_id=resident.municipality_id,
                               kind=UnitKind.HOUSING).order_by("pk").first()
    assigned = by if getattr(by, "pk", None) else None
    case = None
    if unit is not None and assigned is not None:
        case = people.case_open(resident=resident, unit=unit, assigned_to=assigned, by=by,
                                opened_on=on, kind=CaseKind.RESETTLEMENT)
    record = Resettlement.objects.create(
        municipality_id=resident.municipality_id, resident=resident, tenancy=tenancy,
        case=case, what_went_wrong=what_went_wrong.strip(),
        do_differently=do_differently.strip(), recorded_by=assigned, recorded_on=on)
    # Free text about the person stays in the record, not in the event.
    event_record(name="resettlement.opened", actor=by, target=record,
                 changes={"resident": resident, "tenancy": tenancy})
    return record


@transaction.atomic
def population_record(*, municipality, year: int, inhabitants: int, by) -> Population:
    """The number of inhabitants on 1 January of `year` (from SSB), entered or corrected."""
    errors = {}
    if not 1900 <= year <= timezone.localdate().year + 1:
        errors["year"] = [_("Enter a year between 1900 and next year.")]
    if inhabitants < 1:
        errors["inhabitants"] = [_("Enter the number of inhabitants, at least 1.")]
    if errors:
        raise ValidationError(errors)
    population, created = Population.objects.update_or_create(
        municipality=municipality, year=year,
        defaults={"inhabitants": inhabitants, "recorded_by": by,
                  "recorded_at": timezone.now()})
    event_record(name="population.recorded", actor=by, target=population,
                 changes={"year": year, "inhabitants": inhabitants, "created": created})
    return population
