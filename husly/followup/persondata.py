"""The follow-up app's person data: agreements, visits, coordination meetings and plans
(husly.common.persondata). All of it is from psychosocial care, which archive rules require
kept."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category
from husly.common.persondata import Part, PersonData, register
from husly.followup.models import CoordinationMeeting, FollowUpAgreement, PlanVersion, Visit


def _agreement_active(resident, cutoff):
    return FollowUpAgreement.objects.filter(resident=resident).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=cutoff))


def _plan_answers(plan, context) -> dict:
    return {f"answer_{key}": (key, value, value) for key, value in plan.answers.items()}


register(PersonData(
    model=FollowUpAgreement, key="agreements", title=_("Follow-up agreements"), order=100,
    resident="resident", category=Category.FOLLOWUP,
    fields=("start_date", "signed_on", "end_date", "team", "primary_contact", "visit_weekday",
            "health_care_accepted"),
    select_related=("team", "primary_contact"),
    kept_for_archive=True, keeps_active=_agreement_active,
))

register(PersonData(
    model=Visit, key="visits", title=_("Visits"), order=110,
    resident="agreement__resident", category=Category.FOLLOWUP,
    fields=("planned_on", "status", "assigned_to", *Visit.CHECKLIST, "actions"),
    select_related=("assigned_to",), order_by=("planned_on", "id"),
    kept_for_archive=True,
))

register(PersonData(
    # Follow-up information the housing service and NAV read as participants, never health
    # notes (access.policy.coordination_meeting_access).
    model=CoordinationMeeting, key="coordination_meetings", title=_("Coordination meetings"),
    order=115, resident="agreement__resident", category=Category.FOLLOWUP,
    fields=("opened_on", "due_on", "held_on", "needed_now", "next_steps"),
    parts=(Part("tasks", fields=("title", "unit", "due_on", "done_on")),),
    kept_for_archive=True,
))

register(PersonData(
    model=PlanVersion, key="plans", title=_("Plans in the resident's own words"), order=120,
    resident="resident", category=Category.FOLLOWUP,
    fields=("kind", "number", "written_at", "review_on"), computed=_plan_answers,
    kept_for_archive=True,
))
