"""The week of a follow-up worker: their visits, alerts, coordination meetings, plans to
review, the move-in tasks they hold and their teams' red board. It shows the parts of
follow-up, allocation and the board, so it lives in the interface layer; its URL stays in
the `followup` namespace (config/urls.py, ADR 0031)."""

import datetime

from django.shortcuts import render
from django.utils import timezone

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.services import list_read_record
from husly.allocation import selectors as allocation_selectors
from husly.board.selectors import red_board_of_my_teams
from husly.common.businessdays import week_start
from husly.followup import selectors


@page("followup")
def my_week(request):
    staff = request.staff
    today = timezone.localdate()
    monday = week_start(today)
    work_order_visit = None
    if request.GET.get("besok") and staff.may_open("work_order_create"):
        found = selectors.visit_for_work_order(staff=staff, pk=request.GET["besok"])
        work_order_visit = found[0] if found else None
    context = {
        "today": today, "work_order_visit": work_order_visit,
        "visits": list(selectors.visits_for(
            staff=staff, start=monday - datetime.timedelta(days=7),
            end=monday + datetime.timedelta(days=13))),
        "alerts": selectors.alerts_for(staff=staff, today=today),
        "meetings": list(selectors.coordination_meetings_open(staff=staff)),
        "plans_due": list(selectors.plans_due_for_review(staff=staff, today=today)),
        "feed": staff.user.calendar_feeds.filter(revoked_at__isnull=True).first(),
        "tasks": [t for t in allocation_selectors.tasks_for(staff=staff) if not t.is_done],
        "red_board": list(red_board_of_my_teams(staff=staff)),
    }
    list_read_record(staff=staff, view=ListKind.MY_WEEK, residents={
        *(v.agreement.resident_id for v in context["visits"]),
        *(agreement.resident_id for agreement, _weeks in context["alerts"]),
        *(m.agreement.resident_id for m in context["meetings"]),
        *(p.resident_id for p in context["plans_due"]),
        *(t.allocation.application.applicant_id for t in context["tasks"]),
        *(e.resident_id for e in context["red_board"]),
        *([work_order_visit.agreement.resident_id] if work_order_visit else [])})
    return render(request, "followup/my_week.html", context)
