import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import may_view_team_board
from husly.access.services import list_read_record
from husly.accounts.models import Team, User
from husly.board import selectors, services
from husly.common.views import service_call
from husly.people.models import Resident


def _team(request, pk):
    team = get_object_or_404(Team, pk=pk, municipality=request.staff.municipality)
    if not may_view_team_board(request.staff, team):
        raise PermissionDenied
    return team


def _day(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("dag", ""))
    except ValueError:
        return timezone.localdate()


@page("board")
def board_home(request):
    teams = list(Team.objects.filter(municipality=request.staff.municipality,
                                     memberships__user=request.user))
    if len(teams) == 1:
        return redirect("board:team_board", pk=teams[0].pk)
    return render(request, "board/home.html", {"teams": teams})


@page("board")
def team_board(request, pk: int):
    team = _team(request, pk)
    context = selectors.board(staff=request.staff, team=team, day=_day(request))
    list_read_record(staff=request.staff, view=ListKind.TEAM_BOARD,
                     residents=selectors.board_residents_named(context))
    context["meeting_room"] = request.GET.get("motemodus") == "1"
    context["figures"] = selectors.red_board_figures(team=team)
    _choices(context)
    context["previous_day"] = context["day"] - datetime.timedelta(days=1)
    context["next_day"] = context["day"] + datetime.timedelta(days=1)
    if request.htmx and request.htmx.target == "tavle":
        return render(request, "board/_board.html", context)
    return render(request, "board/board.html", context)


def _options(items) -> tuple[list[int], list[str]]:
    keys, html = [], []
    for pk, label in items:
        keys.append(pk)
        html.append(f'<option value="{int(pk)}">{escape(label)}</option>')
    return keys, html


def _selected(keys, html, selected) -> str:
    """The options with one selected, without escaping every label again."""
    if selected not in keys:
        return mark_safe("".join(html))  # noqa: S308 - every label escaped in _options
    i = keys.index(selected)
    parts = [*html[:i], html[i].replace("<option ", "<option selected ", 1), *html[i + 1:]]
    return mark_safe("".join(parts))  # noqa: S308 - as above


def _choices(context) -> None:
    """The member and resident choosers, rendered once per selected member instead of once per
    visit: a board of a 1,000-resident team has some 200 visits a day and as many choosers."""
    keys, html = _options((m["member"].pk, str(m["member"])) for m in context["members"])
    per_member = {pk: _selected(keys, html, pk) for pk in keys}
    none_selected = _selected(keys, html, None)
    for member in context["members"]:
        member["move_options"] = per_member[member["member"].pk]
    for entry in context["red_board"]:
        entry.contact_options = per_member.get(entry.previous_primary_contact_id,
                                               none_selected)
    context["resident_options"] = _selected(
        *_options((r.pk, r.full_name) for r in context["all_residents"]), None)


def _resident(team, pk) -> Resident:
    resident = Resident.objects.filter(pk=pk, municipality_id=team.municipality_id).first()
    if resident is None:
        raise Http404
    return resident


def _back(team):
    return redirect("board:team_board", pk=team.pk)


@require_POST
@page("board")
def red_board_put(request, pk: int):
    team = _team(request, pk)
    resident = _resident(team, request.POST.get("resident"))
    service_call(request, lambda: services.red_board_put(team=team, resident=resident,
                                                 reason=request.POST.get("reason", ""),
                                                 by=request.staff.user),
         _("%(name)s is on the red board: everyone on the team is responsible.")
         % {"name": resident.full_name})
    return _back(team)


@require_POST
@page("board")
def red_board_take_off(request, pk: int):
    team = _team(request, pk)
    resident = _resident(team, request.POST.get("resident"))
    contact = User.objects.filter(pk=request.POST.get("primary_contact") or None).first()
    service_call(request, lambda: services.red_board_take_off(
        team=team, resident=resident, reason=request.POST.get("reason", ""),
        primary_contact=contact, by=request.staff.user),
        _("%(name)s is off the red board.") % {"name": resident.full_name})
    return _back(team)


@require_POST
@page("board")
def review(request, pk: int):
    team = _team(request, pk)
    resident = _resident(team, request.POST.get("resident"))
    service_call(request, lambda: services.review_record(
        team=team, resident=resident, what_matters_now=request.POST.get("what_matters_now", ""),
        next_steps=request.POST.get("next_steps", ""), by=request.staff.user),
        _("The review of %(name)s is recorded.") % {"name": resident.full_name})
    return _back(team)


@require_POST
@page("board")
def note(request, pk: int):
    team = _team(request, pk)
    service_call(request, lambda: services.board_note_save(team=team, day=timezone.localdate(),
                                                   text=request.POST.get("text", ""),
                                                   by=request.staff.user),
         _("The meeting note is saved."))
    return _back(team)


@page("board")
def red_board_history(request, pk: int):
    team = _team(request, pk)
    entries = selectors.red_board_history(team=team)
    list_read_record(staff=request.staff, view=ListKind.RED_BOARD_HISTORY,
                     residents=[e.resident_id for e in entries])
    return render(request, "board/history.html", {
        "team": team, "entries": entries,
        "figures": selectors.red_board_figures(team=team)})
