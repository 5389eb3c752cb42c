"""Every write of the outcomes module. Where a person lives changes in people and housing;
this module follows through their events (husly.outcomes.subscribers, ADR 0031)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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


def _outlasts(ended_on: datetime.date | None, end: datetime.date) -> bool:
    """Whether a spell has a day of its own after a tenancy's last day. Spells share the day
    of a move (one ends and the next begins on it), so a spell that ends the day after the
    tenancy's last is only the move to the next home."""
    return ended_on is None or ended_on > end + datetime.timedelta(days=1)


def _episodes_history_tenancy(resident, start: datetime.date, end: datetime.date | None, by):
    """The by-name list's spells around a tenancy written at its own dates: a spell without a
    home cannot run while the person rents from the municipality. A spell that began before
    ends as housed the day the tenancy began; what the spell recorded after the tenancy goes
    on from the day after its last, as a return from housing; a spell wholly inside it, or
    one that was only the day of moving from one tenancy to this one, is removed."""
    after = end + datetime.timedelta(days=1) if end is not None else None
    episodes = HomelessEpisode.objects.select_for_update().filter(resident=resident).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=start))
    if end is not None:
        episodes = episodes.filter(started_on__lt=end)
    for episode in episodes.order_by("started_on", "id"):
        keeps_after = end is not None and _outlasts(episode.ended_on, end)
        moving_day = (episode.start_kind == EpisodeStart.RETURNED_FROM_HOUSING
                      and not _outlasts(start, episode.started_on))
        if episode.started_on < start and not moving_day:
            old_end, old_kind = episode.ended_on, episode.end_kind
            episode.ended_on, episode.end_kind = start, EpisodeEnd.HOUSED
            episode.save(update_fields=["ended_on", "end_kind"])
            event_record(name="homelessness.ended", actor=by, target=episode,
                         changes={"resident": resident, "ended_on": start,
                                  "end_kind": EpisodeEnd.HOUSED})
            if keeps_after:
                later = HomelessEpisode.objects.create(
                    municipality_id=resident.municipality_id, resident=resident,
                    started_on=after, start_kind=EpisodeStart.RETURNED_FROM_HOUSING,
                    ended_on=old_end, end_kind=old_kind)
                event_record(name="homelessness.started", actor=by, target=later,
                             changes={"resident": resident, "started_on": after,
                                      "start_kind": EpisodeStart.RETURNED_FROM_HOUSING})
        elif keeps_after:
            episode.started_on, episode.start_kind = after, EpisodeStart.RETURNED_FROM_HOUSING
            episode.save(update_fields=["started_on", "start_kind"])
            event_record(name="homelessness.started", actor=by, target=episode,
                         changes={"resident": resident, "started_on": after,
                                  "start_kind": EpisodeStart.RETURNED_FROM_HOUSING})
        else:
            event_record(name="homelessness.removed", actor=by, target=episode,
                         changes={"resident": resident, "started_on": episode.started_on,
                                  "ended_on": episode.ended_on})
            episode.delete()


def situation_history_tenancy(*, resident, start: datetime.date, end: datetime.date | None,
                              by=None):
    """Write a tenancy into the person's situation history, whatever today is: from `start`
    to `end` (or on, while it runs) they rented a municipal dwelling, whatever else was
    recorded for those days. What was recorded outside those days stands, so an earlier
    shelter stay ends the day the tenancy began, and a situation recorded as the present one
    is taken to have begun the day after the tenancy's last, unless it is renting from the
    municipality, which only the tenancies tell (ADR 0033). The by-name list's spells
    follow the same rule."""
    if end is not None and end <= start:
        return
    _episodes_history_tenancy(resident, start, end, by)
    spells = list(SituationSpell.objects.select_for_update().filter(resident=resident)
                  .order_by("started_on", "id"))
    # What the tenancy interrupted resumes the day after its last day.
    after = end + datetime.timedelta(days=1) if end is not None else None
    for spell in spells:
        after_start = spell.ended_on is None or spell.ended_on > start
        before_end = end is None or spell.started_on < end
        if not (after_start and before_end):
            continue
        # Renting from the municipality is what the tenancies say; no other record of it
        # outlasts the one being written.
        keeps_after = (end is not None and _outlasts(spell.ended_on, end)
                       and spell.situation != HousingSituation.MUNICIPAL_TENANCY)
        if spell.started_on < start:
            old_end, spell.ended_on = spell.ended_on, start
            spell.save(update_fields=["ended_on"])
            if keeps_after:
                SituationSpell.objects.create(
                    municipality_id=resident.municipality_id, resident=resident,
                    situation=spell.situation, started_on=after, ended_on=old_end)
        elif keeps_after:
            spell.started_on = after
            spell.save(update_fields=["started_on"])
        else:
            spell.delete()
    SituationSpell.objects.create(
        municipality_id=resident.municipality_id, resident=resident,
        situation=HousingSituation.MUNICIPAL_TENANCY, started_on=start, ended_on=end)


def homelessness_after_unplanned_end(*, resident, on: datetime.date, by=None):
    """A tenancy registered as ended in an eviction or abandonment: without a home from its
    end, until the next home recorded after it. A spell without a home already recorded
    later is taken to have begun then."""
    homeless = HousingSituation.homeless()
    housed_again = (SituationSpell.objects.filter(resident=resident, started_on__gte=on)
                    .exclude(situation__in=homeless).order_by("started_on").first())
    later = (HomelessEpisode.objects.select_for_update()
             .filter(resident=resident, started_on__gte=on).order_by("started_on").first())
    if later is not None and (housed_again is None
                              or later.started_on <= housed_again.started_on):
        if later.started_on > on:
            later.started_on, later.start_kind = on, EpisodeStart.RETURNED_FROM_HOUSING
            later.save(update_fields=["started_on", "start_kind"])
            event_record(name="homelessness.started", actor=by, target=later,
                         changes={"resident": resident, "started_on": on,
                                  "start_kind": EpisodeStart.RETURNED_FROM_HOUSING})
        return
    if housed_again is not None and not _outlasts(housed_again.started_on, on):
        return  # a home again the next day: never without one
    if _start(resident, on, kind=EpisodeStart.RETURNED_FROM_HOUSING, by=by) and housed_again:
        _end(resident, housed_again.started_on, by=by,
             kind=(EpisodeEnd.HOUSED
                   if housed_again.situation == HousingSituation.MUNICIPAL_TENANCY
                   else EpisodeEnd.NO_LONGER_HOMELESS))


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
