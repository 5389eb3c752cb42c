"""The allocation app's person data: applications with what was decided and offered, the
allocation and its joint meeting, and the follow-up unit's statements
(husly.common.persondata)."""

from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from husly.allocation.models import Application, ApplicationState, Statement
from husly.common.models import Category
from husly.common.persondata import Part, PersonData, register


def _application_active(resident, cutoff):
    # A household member waits for the home as much as the applicant does.
    return Application.objects.filter(
        Q(applicant=resident) | Q(household_members=resident),
        state__in=ApplicationState.open())


def _criterion(assessment, context) -> dict:
    return {"criterion": (capfirst(gettext("criterion")), assessment.criterion_id,
                          assessment.criterion.text)}


def _allocated_dwelling(allocation, context) -> dict:
    address = context.address(allocation.dwelling.address)
    return {"dwelling": (gettext("Dwelling"), address, address)}


register(PersonData(
    model=Application, key="applications", title=_("Applications, decisions and offers"),
    order=50, resident="applicant", category=Category.HOUSING,
    fields=("registered_on", "state", "state_since", "rooms_needed", "wished_area",
            "wished_kind", "wishes", "housing_first", "officer"),
    select_related=("officer",),
    parts=(
        Part("decision", fields=("decided_on", "kind", "granted", "reasons", "legal_basis",
                                 "lease_months", "help_content"),
             anonymise_fields=("reasons", "help_content")),
        Part("offers", fields=("offered_on", "answer_by", "viewing_on", "viewing_companions",
                               "answer", "answered_on", "decline_reason"),
             anonymise_fields=("viewing_companions",)),
        Part("assessments", fields=("verdict", "note"), computed=_criterion,
             anonymise_fields=("note",)),
        Part("allocation", fields=("allocated_on", "meeting_deadline", "moved_in_on"),
             computed=_allocated_dwelling, parts=(
                 Part("meeting", fields=("scheduled_on", "held_on", "note"),
                      anonymise_fields=("note",)),
                 Part("tasks", fields=("title", "unit", "due_on", "done_on")),
             )),
    ),
    anonymise_fields=("wishes", "wished_area"),
    # Events about an application copied the wishes and the companions at a viewing.
    anonymise_events=True, keeps_active=_application_active,
))

register(PersonData(
    model=Statement, key="statements", title=_("Statements from the follow-up unit"),
    order=90, resident="application__applicant", category=Category.FOLLOWUP,
    fields=("requested_on", "given_on", "text"),
    order_by=("application__registered_on", "application__id"),
    # A statement written is a record from psychosocial care; one only asked for is not.
    kept_for_archive=~Q(text=""),
))
