"""The people behind a figure: for each linked number on the outcome pages, the residents it
counts, from the same condition as the number. The figure pages link here with the figure's
name and its parameters (year, group, team); the view shows only what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from husly.allocation.selectors import JOINT_MEETING_KEPT, joint_meetings_due
from husly.board.models import RedBoardEntry
from husly.followup.models import VisitStatus
from husly.outcomes import kostra
from husly.outcomes.audit import (
    AGE_BANDS,
    UNKNOWN,
    age_band,
    audited_residents,
    followed,
    housed,
    on_red_board,
)
from husly.outcomes.forms import StabilityFilterForm
from husly.outcomes.process import RETURN_MONTHS, moves_counted, returned_residents, visits_due
from husly.outcomes.stability import person_spell_rows
from husly.people.models import Background, Resident


class BadFigure(ValueError):
    """An unknown figure or parameters it does not take (the view answers 404)."""


@dataclass(frozen=True)
class Figure:
    title: object
    # (municipality, parameters, today) -> resident primary keys, as a queryset or a set
    residents: Callable
    page: str  # the outcome page the figure stands on, for the way back


def _year(params) -> int:
    try:
        year = int(params.get("år", ""))
    except ValueError:
        raise BadFigure from None
    if not 1900 <= year <= 2100:
        raise BadFigure
    return year


def _int(params, key: str) -> int:
    try:
        return int(params.get(key, ""))
    except ValueError:
        raise BadFigure from None


def _applicants(applications):
    return applications.values_list("applicant_id", flat=True)


# -- KOSTRA ------------------------------------------------------------------------------

def _kostra_moved_in(m, p, today):
    return kostra.moved_in(municipality=m, year=_year(p), today=today).values_list(
        "head", flat=True)


def _kostra_waiting(m, p, today):
    return _applicants(kostra.waiting(municipality=m, year=_year(p), today=today))


def _kostra_applications(which):
    def residents(m, p, today):
        return _applicants(kostra.applications(municipality=m, year=_year(p), which=which,
                                               today=today))
    return residents


def _kostra_temporary(long_only):
    def residents(m, p, today):
        return kostra.temporary_spells(municipality=m, year=_year(p), long_only=long_only,
                                       today=today).values_list("resident_id", flat=True)
    return residents


# -- Deadlines and pace ------------------------------------------------------------------

def _meetings_late(m, p, today):
    return joint_meetings_due(municipality=m, today=today).exclude(JOINT_MEETING_KEPT).values_list(
        "application__applicant_id", flat=True)


def _keys(m, p, today):
    return moves_counted(municipality=m).values_list("application__applicant_id", flat=True)


def _visits_missed(m, p, today):
    return visits_due(municipality=m, today=today).exclude(status=VisitStatus.DONE).values_list(
        "agreement__resident_id", flat=True)


def _red_board_now(m, p, today):
    return RedBoardEntry.objects.filter(municipality=m, taken_off_at__isnull=True).values_list(
        "resident_id", flat=True)


def _returned(m, p, today):
    months = _int(p, "mnd")
    if months not in RETURN_MONTHS:
        raise BadFigure
    return returned_residents(municipality=m, months=months, today=today)


# -- Internal audit ----------------------------------------------------------------------

def _only_followed(qs, p):
    return qs.filter(followed()) if p.get("fulgt") == "1" else qs


def _audit_background(m, p, today):
    group = p.get("gruppe", "")
    if group not in [*Background.values, ""]:
        raise BadFigure
    return _only_followed(audited_residents(m).filter(background=group), p).values_list(
        "pk", flat=True)


def _audit_age(m, p, today):
    keys = [key for key, _y, _o in AGE_BANDS] + [UNKNOWN]
    if p.get("gruppe") not in keys:
        raise BadFigure
    qs = audited_residents(m).annotate(band=age_band(today)).filter(
        band=keys.index(p["gruppe"]))
    return _only_followed(qs, p).values_list("pk", flat=True)


def _audit_without_agreement(m, p, today):
    return (audited_residents(m).filter(housed(today), team__isnull=False)
            .exclude(followed()).values_list("pk", flat=True))


def _audit_team(which):
    def residents(m, p, today):
        qs = audited_residents(m).filter(team_id=_int(p, "team"))
        if which == "without_contact":
            qs = qs.filter(primary_contact__isnull=True).exclude(on_red_board())
        elif which == "red_board":
            qs = qs.filter(on_red_board())
        return qs.values_list("pk", flat=True)
    return residents


# -- Housing stability -------------------------------------------------------------------

def _stability(which):
    """The persons of the stability report's persons row, one spell each: all of them, or
    those whose spell ended in the event (lost the home)."""
    def residents(m, p, today):
        form = StabilityFilterForm(p, municipality=m)
        spells = person_spell_rows(municipality=m, filters=form.filters(), today=today)
        return [pk for pk, _days, event in spells if which == "all" or event]
    return residents


KOSTRA, PROCESS, AUDIT, STABILITY = ("outcomes:kostra", "outcomes:process", "outcomes:audit",
                                      "outcomes:stability")
FIGURES: dict[str, Figure] = {
    "kostra-innflyttet": Figure(_("Households moved in"), _kostra_moved_in, KOSTRA),
    "kostra-venteliste": Figure(_("Households on the waiting list at the year's end"),
                                _kostra_waiting, KOSTRA),
    "kostra-soknader": Figure(_("Applications received"), _kostra_applications("received"),
                              KOSTRA),
    "kostra-innvilget": Figure(_("Applications granted"), _kostra_applications("granted"),
                               KOSTRA),
    "kostra-avslag": Figure(_("Applications refused"), _kostra_applications("refused"), KOSTRA),
    "kostra-midlertidig": Figure(_("Households in temporary housing during the year"),
                                 _kostra_temporary(False), KOSTRA),
    "kostra-midlertidig-lenge": Figure(_("Of these, stays longer than three months"),
                                       _kostra_temporary(True), KOSTRA),
    "mote-for-sent": Figure(_("Joint meetings not held within the deadline"), _meetings_late,
                            PROCESS),
    "nokler": Figure(_("Moves counted in the time from decision to keys"), _keys, PROCESS),
    "besok-ikke-gjort": Figure(_("Residents with weekly visits not done"), _visits_missed,
                               PROCESS),
    "rod-tavle": Figure(_("On the red board now"), _red_board_now, PROCESS),
    "tilbake": Figure(_("Back without a home after moving in"), _returned, PROCESS),
    "bakgrunn": Figure(_("Residents by background"), _audit_background, AUDIT),
    "alder": Figure(_("Residents by age"), _audit_age, AUDIT),
    "uten-avtale": Figure(_("Residents with services but no running follow-up agreement"),
                          _audit_without_agreement, AUDIT),
    "team-uten-hovedkontakt": Figure(_("Residents without a primary contact"),
                                     _audit_team("without_contact"), AUDIT),
    "team-rod-tavle": Figure(_("On the red board"), _audit_team("red_board"), AUDIT),
    "team-fulgt": Figure(_("Residents followed by the team"), _audit_team("all"), AUDIT),
    "stabilitet-alle": Figure(_("People counted in housing stability"), _stability("all"),
                              STABILITY),
    "stabilitet-mistet": Figure(_("People whose housing ended unplanned"), _stability("lost"),
                                STABILITY),
}


def figure_residents(*, municipality, figure: str, params, today: datetime.date | None = None):
    """The figure and its residents (a queryset of Resident), or BadFigure."""

    if figure not in FIGURES:
        raise BadFigure
    today = today or timezone.localdate()
    spec = FIGURES[figure]
    ids = spec.residents(municipality, params, today)
    residents = Resident.objects.filter(municipality=municipality).filter(
        Q(pk__in=ids if not isinstance(ids, set) else list(ids)))
    return spec, residents
