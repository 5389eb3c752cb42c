"""Every URL × every role × resident with and without a work relation, in and out of the
municipality. A URL that is not in EXPECTED fails the test: a new page needs a rule here."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from husly.access.models import BreakGlass
from husly.access.policy import PAGE_ROLES
from husly.access.services import consent_record
from husly.accounts.models import Role
from husly.allocation import services as allocation
from husly.followup import services as followup
from husly.housing.services import (
    landlord_contact_record,
    landlord_register,
    work_order_create,
    work_order_photo_add,
)
from tests.costs.helpers import matrix_args as costs_args
from tests.factories import (
    DwellingFactory,
    ResidentFactory,
    TeamFactory,
    TenancyFactory,
    staff_make,
)
from tests.financing.helpers import matrix_args as financing_args
from tests.housing.test_work_orders import png_upload
from tests.imports.helpers import matrix_args as imports_args
from tests.integrations.helpers import token_make as integration_token_make

ROLES = list(Role.values)
READERS = {Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR, Role.TEAM_LEADER,
           Role.PROPERTY_MANAGER}
REGISTER_RESIDENT = {Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR,
                     Role.TEAM_LEADER}
ALL_BUT_ANALYST = set(ROLES) - {Role.ANALYST}
WORK_ORDERS = {Role.CARETAKER, Role.PROPERTY_MANAGER, Role.HOUSING_OFFICER}
TASKS = set(ROLES) - {Role.ANALYST, Role.ADMINISTRATOR}
FOLLOWUP = {Role.FOLLOWUP_WORKER, Role.TEAM_LEADER}
BOARD = set(ROLES) - {Role.ANALYST, Role.ADMINISTRATOR}
BOARD_MEMBERS = BOARD - {Role.PROPERTY_MANAGER}
RIGHTS = {Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR, Role.TEAM_LEADER}
BREAK_GLASS = RIGHTS
LANDLORDS = {Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER, Role.TEAM_LEADER}
FORUM = {Role.PROPERTY_MANAGER, Role.FOLLOWUP_WORKER, Role.TEAM_LEADER, Role.HOUSING_OFFICER}
IMPORTS = {Role.ADMINISTRATOR, Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER}
MEETING_UNITS = {Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR,
                 Role.TEAM_LEADER}


def status_for(allowed: set, yes=200, no=403):
    return {role: (yes if role in allowed else no) for role in ROLES}


# An upload is its uploader's (the housing officer's): others who import do not find it.
IMPORT_BATCH = {**status_for(IMPORTS), Role.ADMINISTRATOR: 404, Role.PROPERTY_MANAGER: 404}


# url name -> (how to build the URL, expected GET status per role)
EXPECTED = {
    # Every role lands on a page of its own (ADR 0030).
    "home": ("plain", {r: 302 for r in ROLES}),
    # The inbox: what other units wait on from the user; everyone who does such work.
    "inbox:inbox": ("plain", status_for(TASKS)),
    **{f"inbox:{name}": ("plain", {r: 405 for r in ROLES}) for name in (
        "take", "give", "release")},
    "health": ("plain", {r: 200 for r in ROLES}),
    "set_language": ("plain", {r: 302 for r in ROLES}),
    "accounts:login": ("plain", {r: 200 for r in ROLES}),
    "accounts:logout": ("plain", {r: 405 for r in ROLES}),
    "accounts:otp_verify": ("plain", {r: 200 for r in ROLES}),
    "accounts:otp_setup": ("plain", {r: 302 for r in ROLES}),
    "accounts:municipality_switch": ("plain", {r: 405 for r in ROLES}),
    # Single sign-on is off here (no HUSLY_OIDC_* settings): both answer 404; with it on
    # they are public (tests/accounts/test_sso.py).
    "accounts:sso_login": ("plain", {r: 404 for r in ROLES}),
    "accounts:sso_callback": ("plain", {r: 404 for r in ROLES}),
    # Each staff member's own choice of reminder mails.
    "reminders:settings": ("plain", {r: 200 for r in ROLES}),
    "people:resident_list": ("plain", status_for(READERS)),
    "people:resident_create": ("plain", status_for(REGISTER_RESIDENT)),
    # The property manager reads residents but has no work relation to this one.
    "people:resident_detail": ("related_resident", status_for(READERS - {Role.PROPERTY_MANAGER})),
    "housing:dwelling_list": ("plain", status_for(ALL_BUT_ANALYST)),
    "housing:dwelling_create": ("plain",
                                status_for({Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER})),
    "housing:dwelling_detail": ("dwelling", status_for(ALL_BUT_ANALYST)),
    "housing:tenancy_create": ("dwelling", status_for({Role.HOUSING_OFFICER})),
    "housing:tenancy_end": ("tenancy", status_for({Role.HOUSING_OFFICER})),
    "housing:landlord_list": ("plain", status_for(LANDLORDS)),
    "housing:landlord_create": ("plain", status_for(LANDLORDS - {Role.TEAM_LEADER})),
    "housing:landlord_detail": ("landlord", status_for(LANDLORDS)),
    "housing:landlord_edit": ("landlord", status_for(LANDLORDS - {Role.TEAM_LEADER})),
    "housing:landlord_contact_add": ("landlord", {r: 405 for r in ROLES}),
    "housing:landlord_offer_settle": ("landlord_contact", {r: 405 for r in ROLES}),
    "housing:private_lease_create": ("landlord", status_for({Role.HOUSING_OFFICER})),
    "housing:work_order_list": ("plain", status_for(WORK_ORDERS)),
    "housing:work_order_detail": ("work_order", status_for(WORK_ORDERS)),
    "housing:work_order_photo": ("work_order", {r: 405 for r in ROLES}),
    "housing:work_order_photo_file": ("photo", status_for(WORK_ORDERS)),
    "housing:work_order_create": ("dwelling", status_for({
        Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER, Role.FOLLOWUP_WORKER, Role.TEAM_LEADER})),
    "allocation:overview": ("plain", status_for({Role.HOUSING_OFFICER, Role.TEAM_LEADER})),
    "allocation:my_tasks": ("plain", status_for(TASKS)),
    "allocation:settings": ("plain", status_for({Role.ADMINISTRATOR, Role.TEAM_LEADER})),
    "allocation:task_complete": ("task", {r: 405 for r in ROLES}),
    "allocation:task_reassign": ("task", {r: 405 for r in ROLES}),
    "allocation:application_create": ("plain", status_for({Role.HOUSING_OFFICER})),
    "allocation:application_detail": ("application",
                                      status_for(READERS - {Role.PROPERTY_MANAGER})),
    "allocation:statement_give": ("application",
                                  status_for({Role.FOLLOWUP_WORKER, Role.TEAM_LEADER})),
    "allocation:decide": ("application", status_for({Role.HOUSING_OFFICER})),
    "allocation:decision_letter": ("application", status_for({Role.HOUSING_OFFICER})),
    "allocation:preliminary_reply_letter": ("application", status_for({Role.HOUSING_OFFICER})),
    "allocation:offer_make": ("application", status_for({Role.HOUSING_OFFICER})),
    "allocation:meeting_hold": ("application", status_for({Role.HOUSING_OFFICER})),
    "allocation:move_in": ("application", status_for({Role.HOUSING_OFFICER})),
    **{f"allocation:{name}": ("application", {r: 405 for r in ROLES}) for name in (
        "assess", "statement_request", "preliminary_reply", "offer_viewing", "offer_answer",
        "allocate", "meeting_schedule", "withdraw")},
    "followup:my_week": ("plain", status_for(FOLLOWUP)),
    # Team members only: the property manager is on no team in this world.
    # One team: straight to its board; on no team: the (empty) list.
    "board:home": ("plain", {**status_for(BOARD_MEMBERS, yes=302),
                             Role.PROPERTY_MANAGER: 200}),
    "board:team_board": ("team", status_for(BOARD_MEMBERS)),
    "board:red_board_history": ("team", status_for(BOARD_MEMBERS)),
    **{f"board:{name}": ("team", {r: 405 for r in ROLES}) for name in (
        "red_board_put", "red_board_take_off", "review", "note")},
    "followup:without_agreement": ("plain", status_for(FOLLOWUP)),
    "followup:at_risk": ("plain", status_for(FOLLOWUP)),
    "housing:arrears_record": ("related_resident", {r: 405 for r in ROLES}),
    "housing:arrears_settle": ("related_resident", {r: 405 for r in ROLES}),
    "followup:agreement_create": ("related_resident", status_for(FOLLOWUP)),
    "followup:agreement_detail": ("agreement", status_for(FOLLOWUP)),
    "followup:agreement_pdf": ("agreement", status_for(FOLLOWUP)),
    "followup:visit_record": ("visit", status_for(FOLLOWUP)),
    # Held by the follow-up unit with housing and NAV: all three read it (ADR 0030).
    "followup:coordination_meeting": ("coordination", status_for(MEETING_UNITS)),
    "followup:coordination_task_complete": ("task", {r: 405 for r in ROLES}),
    "allocation:joint_meeting": ("application", status_for(MEETING_UNITS)),
    "allocation:statement_consent": ("application", {r: 405 for r in ROLES}),
    "followup:plans": ("related_resident", status_for(FOLLOWUP)),
    # The feed's secret token is the credential: the session does not matter.
    "followup:calendar_feed": ("feed", {r: 200 for r in ROLES}),
    "followup:calendar_feed_manage": ("plain", {r: 405 for r in ROLES}),
    "followup:plan_edit": ("plan", status_for(FOLLOWUP)),
    "followup:plan_pdf": ("plan", status_for(FOLLOWUP)),
    **{f"followup:{name}": ("agreement", {r: 405 for r in ROLES}) for name in (
        "agreement_sign", "health_care_decline", "health_care_accept", "agreement_end")},
    "followup:visit_reassign": ("visit", {r: 405 for r in ROLES}),
    "followup:visit_reschedule": ("visit", {r: 405 for r in ROLES}),
    "followup:visit_focus_set": ("visit", {r: 405 for r in ROLES}),
    # The resident's rights and the leader's review.
    "people:resident_correct": ("related_resident", status_for(REGISTER_RESIDENT)),
    "access:consent_list": ("related_resident", status_for(RIGHTS)),
    "access:consent_withdraw": ("consent", {r: 405 for r in ROLES}),
    "access:consent_attachment": ("consent", status_for(RIGHTS)),
    # With a relation there is nothing to break: back to the resident page.
    "access:break_glass": ("related_resident", status_for(BREAK_GLASS, yes=302)),
    "access:access_log": ("related_resident", status_for(RIGHTS)),
    "access:access_log_letter": ("related_resident", status_for(RIGHTS)),
    "access:data_copy": ("related_resident", status_for(RIGHTS)),
    "access:data_copy_pdf": ("related_resident", status_for(RIGHTS)),
    "access:data_copy_json": ("related_resident", status_for(RIGHTS)),
    "access:access_review": ("plain", status_for({Role.TEAM_LEADER})),
    "access:break_glass_review": ("break_glass", {r: 405 for r in ROLES}),
    "access:retention": ("plain", status_for({Role.ADMINISTRATOR})),
    # Outcomes: the by-name list for those who work with residents, figures for analysts too.
    "outcomes:by_name_list": ("plain", status_for(RIGHTS)),
    "outcomes:mark_inactive": ("related_resident", {r: 405 for r in ROLES}),
    "outcomes:reactivate": ("related_resident", {r: 405 for r in ROLES}),
    "outcomes:flow": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "outcomes:flow_people": ("flow", status_for(RIGHTS)),
    "outcomes:stability": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "outcomes:process": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "outcomes:audit": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "outcomes:kostra": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "outcomes:council_report": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "outcomes:population_record": ("plain", {r: 405 for r in ROLES}),
    "outcomes:figure_people": ("figure", status_for(RIGHTS)),
    # Housing First fidelity: no person data; read with the outcomes, scored by the leader.
    "fidelity:overview": ("plain", status_for(RIGHTS | {Role.ANALYST})),
    "fidelity:start": ("plain", {r: 405 for r in ROLES}),
    "fidelity:assessment": ("fidelity_assessment", status_for(RIGHTS | {Role.ANALYST})),
    "fidelity:score": ("fidelity_assessment", status_for({Role.TEAM_LEADER})),
    "fidelity:reopen": ("fidelity_assessment", {r: 405 for r in ROLES}),
    "fidelity:items": ("plain", status_for({Role.TEAM_LEADER})),
    "fidelity:item_edit": ("fidelity_item", status_for({Role.TEAM_LEADER})),
    # Method guidance: everyone reads it and ticks their own checklist; the leader edits.
    "guidance:home": ("plain", {r: 200 for r in ROLES}),
    "guidance:tick": ("checklist_item", {r: 405 for r in ROLES}),
    "guidance:manage": ("plain", status_for({Role.TEAM_LEADER})),
    "guidance:text_add": ("plain", status_for({Role.TEAM_LEADER})),
    "guidance:text_edit": ("guidance_text", status_for({Role.TEAM_LEADER})),
    "guidance:checklist_manage": ("plain", status_for({Role.TEAM_LEADER})),
    "guidance:checklist_item_edit": ("checklist_item", status_for({Role.TEAM_LEADER})),
    "guidance:checklist_item_move": ("checklist_item", {r: 405 for r in ROLES}),
    # The housing forum: the follow-up service, the property department and the housing
    # service; the agenda shows dwellings, names only by policy.
    "forum:meeting_list": ("plain", status_for(FORUM)),
    "forum:meeting_create": ("plain", status_for(FORUM)),
    "forum:meeting_detail": ("forum_meeting", status_for(FORUM)),
    "forum:meeting_edit": ("forum_meeting", status_for(FORUM)),
    **{f"forum:{name}": ("forum_meeting", {r: 405 for r in ROLES}) for name in (
        "agenda_item_add", "minutes_save", "decision_record", "meeting_hold")},
    "forum:agenda_item_remove": ("forum_item", {r: 405 for r in ROLES}),
    "forum:decision_done": ("forum_decision", {r: 405 for r in ROLES}),
    "forum:decision_reopen": ("forum_decision", {r: 405 for r in ROLES}),
    # The financing pathway: housing and NAV write, follow-up and leaders read by consent;
    # the record here is a startlån (housing information), so only housing opens it.
    "financing:list": ("plain", status_for(RIGHTS)),
    "financing:create": ("related_resident",
                         status_for({Role.HOUSING_OFFICER, Role.NAV_COUNSELLOR})),
    "financing:home_purchase": ("related_resident", status_for({Role.HOUSING_OFFICER})),
    "financing:detail": ("financing", status_for({Role.HOUSING_OFFICER})),
    **{f"financing:{name}": ("financing", {r: 405 for r in ROLES}) for name in (
        "submit", "decide", "appeal", "appeal_decide", "withdraw")},
    # Cost sharing: no person data; leaders and the administrator keep it, analysts read.
    "costs:overview": ("plain", status_for({Role.TEAM_LEADER, Role.ADMINISTRATOR,
                                            Role.ANALYST})),
    "costs:position_create": ("plain", status_for({Role.TEAM_LEADER, Role.ADMINISTRATOR})),
    "costs:position_edit": ("cost_position",
                            status_for({Role.TEAM_LEADER, Role.ADMINISTRATOR})),
    "costs:year_copy": ("plain", {r: 405 for r in ROLES}),
    # Imports: the administrator and the property manager import dwellings, the housing
    # service also residents and tenancies; each upload is seen only by its uploader.
    "imports:start": ("plain", status_for(IMPORTS)),
    "imports:mapping": ("import_batch", IMPORT_BATCH),
    "imports:check": ("import_batch", IMPORT_BATCH),
    "imports:apply": ("import_batch", {r: 405 for r in ROLES}),
    "imports:receipt": ("import_receipt", IMPORT_BATCH),
    # The JSON API: the same rules; the endpoints check them themselves (husly.api.api).
    "api:api-root": ("plain", {r: 404 for r in ROLES}),
    "api:openapi-json": ("plain", {r: 200 for r in ROLES}),
    "api:openapi-view": ("plain", {r: 200 for r in ROLES}),
    "api:applications": ("plain", status_for({Role.HOUSING_OFFICER, Role.TEAM_LEADER})),
    "api:application_create": ("plain", status_for({Role.HOUSING_OFFICER, Role.TEAM_LEADER})),
    "api:application": ("application", status_for(READERS - {Role.PROPERTY_MANAGER})),
    "api:tasks": ("plain", status_for(TASKS)),
    "api:task_complete": ("task", {r: 405 for r in ROLES}),
    "api:agreement": ("related_resident", status_for(FOLLOWUP)),
    "api:agreement_create": ("related_resident", status_for(FOLLOWUP)),
    "api:health_care": ("agreement", {r: 405 for r in ROLES}),
    "api:visits": ("plain", status_for(FOLLOWUP)),
    "api:visit": ("visit", {r: 405 for r in ROLES}),
    "api:visit_reassign": ("visit", {r: 405 for r in ROLES}),
    "api:work_orders": ("plain", status_for(WORK_ORDERS)),
    "api:work_order_create": ("dwelling", {r: 405 for r in ROLES}),
    "api:work_order_complete": ("work_order", {r: 405 for r in ROLES}),
    "api:plan": ("plan", status_for(FOLLOWUP)),
    "api:plan_save": ("plan", status_for(FOLLOWUP)),
    "api:landlords": ("plain", status_for(LANDLORDS)),
    "api:landlord_create": ("plain", status_for(LANDLORDS)),
    "api:landlord": ("landlord", status_for(LANDLORDS)),
    "api:landlord_contact": ("landlord", {r: 405 for r in ROLES}),
    "api:financing_list": ("plain", status_for(RIGHTS)),
    "api:financing_create": ("plain", status_for(RIGHTS)),
    "api:financing_record": ("financing", status_for({Role.HOUSING_OFFICER})),
    "api:financing_decision": ("financing", {r: 405 for r in ROLES}),
    "api:financing_submit": ("financing", {r: 405 for r in ROLES}),
    "api:financing_appeal": ("financing", {r: 405 for r in ROLES}),
    "api:financing_withdraw": ("financing", {r: 405 for r in ROLES}),
    **{f"api:{name}": ("application", {r: 405 for r in ROLES}) for name in (
        "statement_request", "statement", "decision", "offer", "viewing", "answer", "allocate",
        "meeting", "move_in")},
    # Integration tokens: the administrator's pages (no person data).
    "integrations:token_list": ("plain", status_for({Role.ADMINISTRATOR})),
    "integrations:token_create": ("plain", status_for({Role.ADMINISTRATOR})),
    "integrations:token_detail": ("integration_token", status_for({Role.ADMINISTRATOR})),
    "integrations:token_revoke": ("integration_token", status_for({Role.ADMINISTRATOR})),
    # The API for other systems takes a token, never a session: 401 for every staff member
    # (405 for a GET on the report); its documentation is public like the staff API's.
    "integration:api-root": ("plain", {r: 404 for r in ROLES}),
    "integration:openapi-json": ("plain", {r: 200 for r in ROLES}),
    "integration:openapi-view": ("plain", {r: 200 for r in ROLES}),
    "integration:rent_arrears_report": ("plain", {r: 405 for r in ROLES}),
    "integration:vacant_dwellings": ("plain", {r: 401 for r in ROLES}),
}


# API endpoints check the page kind themselves (husly.api.api._require).
# Without a relation, the emergency-access form is what those who may use it get.
UNRELATED = {"access:break_glass": status_for(BREAK_GLASS),
             # The unrelated applicant's application has no allocation yet: no meeting.
             "allocation:joint_meeting": status_for(MEETING_UNITS, yes=404)}

API_PAGE_KINDS = {"api:application": "application", "api:agreement": "followup",
                  "api:agreement_create": "followup", "api:plan": "followup",
                  "api:plan_save": "followup", "api:landlord": "landlords",
                  "api:financing_record": "financing"}


def _registered(officer, resident):
    unit = officer.role_assignments.get().unit
    return allocation.application_register(applicant=resident, officer_unit=unit, by=officer)


def _allocated_application(users, resident, municipality):
    officer = users[Role.HOUSING_OFFICER]
    allocation.task_template_create(municipality=municipality, title="Klargjøre boligen",
                                    unit_kind="caretaker", is_preparation=True, by=None)
    application = _registered(officer, resident)
    allocation.statement_request(application=application, by=officer)
    allocation.statement_give(application=application, text="Uttale",
                              by=users[Role.FOLLOWUP_WORKER])
    allocation.application_decide(application=application, granted=True, kind="dwelling",
                                  reasons="Grunner", legal_basis="Reglene § 3",
                                  dwelling_kind="transitional", lease_months=36, by=officer)
    vacant = DwellingFactory(municipality=municipality, street_address="Ledig 1")
    allocation.offer_make(application=application, dwelling=vacant, by=officer)
    allocation.offer_answer(application=application, accepted=True, by=officer)
    registered = allocation.allocation_register(application=application, by=officer)
    allocation.joint_meeting_hold(meeting=registered.meeting, held_on=registered.allocated_on,
                                  attendees=[], note="", assignees={}, by=officer)
    application.refresh_from_db()
    return application


def _guidance(municipality, what):
    """The municipality's first method text or first-day checklist point (seeded here)."""
    from husly.guidance.models import ChecklistItem, GuidanceText
    from husly.guidance.services import guidance_ensure

    guidance_ensure(municipality=municipality)
    model = GuidanceText if what == "text" else ChecklistItem
    return model.objects.filter(municipality=municipality).first().pk


def _forum(municipality, what):
    """The municipality's planned forum meeting (planned here), its free item or decision."""
    from husly.forum import services as forum
    from husly.forum.models import ForumMeeting
    from husly.forum.selectors import forum_chairs

    meeting = ForumMeeting.objects.filter(municipality=municipality).first()
    if meeting is None:
        chair = forum_chairs(municipality=municipality).first()
        meeting = forum.meeting_plan(municipality=municipality, starts_at=timezone.now(),
                                     place="Rom 1", chair=chair, by=chair)
        forum.agenda_item_add(meeting=meeting, title="Sak", by=chair)
        forum.decision_record(meeting=meeting, text="Beslutning", owner=chair, by=chair)
    if what == "item":
        return meeting.items.first().pk
    if what == "decision":
        return meeting.decisions.first().pk
    return meeting.pk


def _fidelity(team, what):
    """The team's draft fidelity assessment for this year (started here), or the first of its
    municipality's items."""
    from husly.fidelity.models import FidelityAssessment, FidelityItem
    from husly.fidelity.services import fidelity_assessment_start

    assessment = FidelityAssessment.objects.filter(team=team).first() or (
        fidelity_assessment_start(team=team, year=timezone.localdate().year, by=None))
    if what == "assessment":
        return assessment.pk
    return FidelityItem.objects.filter(municipality_id=team.municipality_id).first().pk


def all_url_names():
    names = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                names.append((f"{prefix}{p.name}", p.callback))

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_rule_and_a_page_kind():
    for name, callback in all_url_names():
        if name.startswith("admin:"):
            continue  # the admin site has one rule of its own: tests/test_hardening.py
        assert name in EXPECTED, f"{name} has no rule in the access matrix"
        if name != "set_language" and not name.startswith(("api:", "integration:")):
            kind = getattr(callback, "husly_page", None)
            assert kind in PAGE_ROLES, f"{name} is not marked with @page(...)"


@pytest.fixture
def world(municipality, other_municipality, team, make_staff):
    users = {}
    for role in ROLES:
        on_team = role != Role.PROPERTY_MANAGER and role not in (Role.ANALYST,
                                                                   Role.ADMINISTRATOR)
        users[role] = make_staff(role, team=team if on_team else None,
                                 username=f"{role.replace('_', '')}")
    related = ResidentFactory(municipality=municipality, team=team)
    unrelated = ResidentFactory(municipality=municipality)
    foreign = ResidentFactory(municipality=other_municipality)
    dwelling = DwellingFactory(municipality=municipality)
    foreign_dwelling = DwellingFactory(municipality=other_municipality)
    tenancy = TenancyFactory(dwelling=dwelling, residents=[related])
    foreign_tenancy = TenancyFactory(dwelling=foreign_dwelling, residents=[foreign])
    application = _allocated_application(users, related, municipality)
    other_officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER)
    unrelated_application = _registered(other_officer, unrelated)
    foreign_officer = staff_make(municipality=other_municipality, role=Role.HOUSING_OFFICER)
    foreign_application = _registered(foreign_officer, foreign)
    task = application.allocation.tasks.get(work_order__isnull=False)
    foreign_order = work_order_create(
        dwelling=foreign_dwelling, kind="repair", description="Lekk kran",
        due_on=foreign_tenancy.start_date, by=None)
    agreement = followup.agreement_create(
        resident=related, team=team, primary_contact=users[Role.FOLLOWUP_WORKER],
        start_date=tenancy.start_date, by=None)
    meeting = followup.health_care_decline(agreement=agreement, on=tenancy.start_date, by=None)
    foreign_team = TeamFactory(municipality=other_municipality)
    foreign_worker = staff_make(municipality=other_municipality, role=Role.FOLLOWUP_WORKER,
                                team=foreign_team)
    foreign_agreement = followup.agreement_create(
        resident=foreign, team=foreign_team, primary_contact=foreign_worker,
        start_date=foreign_tenancy.start_date, by=None)
    foreign_meeting = followup.health_care_decline(agreement=foreign_agreement,
                                                   on=foreign_tenancy.start_date, by=None)
    followup.plan_save(resident=related, kind="crisis", answers={"what_helps": "Ro"},
                       review_on=timezone.localdate() + datetime.timedelta(days=30),
                       based_on=0, by=users[Role.FOLLOWUP_WORKER])
    consent = consent_record(
        resident=related, from_units=[users[Role.FOLLOWUP_WORKER].role_assignments.get().unit],
        to_units=[users[Role.NAV_COUNSELLOR].role_assignments.get().unit],
        categories=["followup"], purpose="Beholde boligen", given_on=timezone.localdate(),
        form="written", by=users[Role.FOLLOWUP_WORKER], attachment=png_upload())
    foreign_consent = consent_record(
        resident=foreign, from_units=[foreign_worker.role_assignments.get().unit],
        to_units=[foreign_officer.role_assignments.get().unit], categories=["followup"],
        purpose="Beholde boligen", given_on=timezone.localdate(), form="verbal",
        by=foreign_worker)
    landlord = landlord_register(municipality=municipality, name="Utleie AS",
                                 organisation_number="912345688", by=None)
    foreign_landlord = landlord_register(municipality=other_municipality, name="Annen AS",
                                         organisation_number="912345696", by=None)
    offer = landlord_contact_record(landlord=landlord, kind="offer", summary="Hybel",
                                    contacted_on=timezone.localdate(), by=other_officer,
                                    offered_address="Storgata 1")
    glass = BreakGlass.objects.create(
        municipality=municipality, user=other_officer, resident=unrelated, reason="danger",
        explanation="Akutt situasjon", started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=1))
    return {
        "users": users,
        "args": {
            "consent": {"own": [consent.pk], "foreign": [foreign_consent.pk]},
            "flow": {"own": [timezone.localdate().strftime("%Y-%m"), "inn",
                             "newly_identified"]},
            "break_glass": {"own": [glass.pk]},
            "plain": {"own": []},
            "figure": {"own": ["rod-tavle"]},
            "fidelity_assessment": {"own": [_fidelity(team, "assessment")],
                                    "foreign": [_fidelity(foreign_team, "assessment")]},
            "fidelity_item": {"own": [_fidelity(team, "item")],
                              "foreign": [_fidelity(foreign_team, "item")]},
            "landlord": {"own": [landlord.pk], "foreign": [foreign_landlord.pk]},
            "integration_token": {
                "own": [integration_token_make(municipality)[0].pk],
                "foreign": [integration_token_make(other_municipality)[0].pk]},
            "landlord_contact": {"own": [offer.pk]},
            **{f"forum_{what}": {"own": [_forum(municipality, what)],
                                 "foreign": [_forum(other_municipality, what)]}
               for what in ("meeting", "item", "decision")},
            "related_resident": {"own": [related.pk], "unrelated": [unrelated.pk],
                                 "foreign": [foreign.pk]},
            "financing": financing_args(related=related, unrelated=unrelated, foreign=foreign),
            "cost_position": costs_args(municipality=municipality,
                                        other_municipality=other_municipality),
            **imports_args(municipality=municipality, other_municipality=other_municipality,
                           officer=users[Role.HOUSING_OFFICER]),
            "dwelling": {"own": [dwelling.pk], "foreign": [foreign_dwelling.pk]},
            "tenancy": {"own": [tenancy.pk], "foreign": [foreign_tenancy.pk]},
            "application": {"own": [application.pk], "unrelated": [unrelated_application.pk],
                            "foreign": [foreign_application.pk]},
            "task": {"own": [task.pk]},
            "work_order": {"own": [task.work_order_id], "foreign": [foreign_order.pk]},
            "photo": {"own": [task.work_order_id, work_order_photo_add(
                work_order=task.work_order, upload=png_upload(), by=users[Role.CARETAKER]).pk]},
            "agreement": {"own": [agreement.pk], "foreign": [foreign_agreement.pk]},
            "visit": {"own": [agreement.visits.first().pk],
                      "foreign": [foreign_agreement.visits.first().pk]},
            "coordination": {"own": [meeting.pk], "foreign": [foreign_meeting.pk]},
            "team": {"own": [team.pk], "foreign": [foreign_team.pk]},
            "feed": {"own": [followup.calendar_feed_renew(
                user=users[Role.FOLLOWUP_WORKER]).token], "foreign": ["revoked-or-unknown"]},
            "plan": {"own": [related.pk, "crisis"], "unrelated": [unrelated.pk, "crisis"],
                     "foreign": [foreign.pk, "crisis"]},
            "guidance_text": {"own": [_guidance(municipality, "text")],
                              "foreign": [_guidance(other_municipality, "text")]},
            "checklist_item": {"own": [_guidance(municipality, "item")],
                               "foreign": [_guidance(other_municipality, "item")]},
        },
    }


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, login, world, role):
    login(client, world["users"][role])
    callbacks = dict(all_url_names())
    failures = []
    for name, (kind, expected) in EXPECTED.items():
        page_kind = API_PAGE_KINDS.get(name) or getattr(callbacks[name], "husly_page", "public")
        opens_page = PAGE_ROLES[page_kind] is None or role in PAGE_ROLES[page_kind]
        for variant, args in world["args"][kind].items():
            url = reverse(name, args=args)
            status = client.get(url).status_code
            want = expected[role]
            if variant == "unrelated" and name in UNRELATED:
                want = UNRELATED[name][role]
            elif variant == "unrelated":
                want = 403 if want in (200, 403) else want
            if variant == "foreign" and kind == "feed":
                want = 404
            elif variant == "foreign":
                # Another municipality's object does not exist for this user.
                want = 404 if opens_page and expected[role] in (200, 302, 403) else expected[role]
            if status != want:
                failures.append(f"{name} [{variant}] {url}: {status}, expected {want}")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_login(client, world):
    for name, (kind, _expected) in EXPECTED.items():
        if name.startswith(("accounts:", "api:", "integration:")) or name in (
                "set_language", "home", "health", "followup:calendar_feed"):
            continue
        url = reverse(name, args=world["args"][kind]["own"])
        post_only = set(_expected.values()) == {405}
        response = client.post(url) if post_only else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_users_without_two_factor_are_held_at_the_two_factor_step(client, world):
    client.force_login(world["users"][Role.FOLLOWUP_WORKER])
    response = client.get(reverse("people:resident_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_the_api_refuses_anonymous_callers(client, world):
    response = client.get(reverse("api:applications"))
    assert response.status_code == 401
    response = client.post(reverse("api:decision", args=world["args"]["application"]["own"]),
                           data={}, content_type="application/json")
    assert response.status_code == 401


# Consent in the matrix: what each role reads of a resident on its team, with no consent and
# with a consent from the follow-up unit to NAV and the housing service covering follow-up,
# in force, withdrawn and expired.
OWN = {Role.HOUSING_OFFICER: {"housing"}, Role.FOLLOWUP_WORKER: {"followup"},
       Role.NAV_COUNSELLOR: {"nav"}, Role.TEAM_LEADER: {"followup"},
       Role.PROPERTY_MANAGER: {"housing"}}
CONSENTED = {Role.HOUSING_OFFICER: {"housing", "followup"},
             Role.NAV_COUNSELLOR: {"nav", "followup"}}


@pytest.mark.parametrize("state", ["none", "in_force", "withdrawn", "expired"])
def test_consent_in_the_matrix(municipality, team, make_staff, state):
    from husly.access.policy import resident_access, staff_context_for
    from husly.access.services import consent_withdraw
    from husly.accounts.models import Unit, UnitKind

    users = {role: make_staff(role, team=team) for role in OWN}
    resident = ResidentFactory(municipality=municipality, team=team)
    today = timezone.localdate()
    if state != "none":
        units = Unit.objects.filter(municipality=municipality)
        consent = consent_record(
            resident=resident, from_units=units.filter(kind=UnitKind.FOLLOWUP),
            to_units=units.filter(kind__in=[UnitKind.NAV, UnitKind.HOUSING]),
            categories=["followup"], purpose="Å beholde boligen",
            given_on=today - datetime.timedelta(days=10), form="written",
            by=users[Role.FOLLOWUP_WORKER],
            expires_on=today - datetime.timedelta(days=1) if state == "expired" else None)
        if state == "withdrawn":
            consent_withdraw(consent=consent, by=users[Role.FOLLOWUP_WORKER])
    for role, user in users.items():
        access = resident_access(staff_context_for(user, None), resident)
        if role == Role.PROPERTY_MANAGER:
            expected = OWN[role]  # on the team here; consent does not reach property
        elif state == "in_force":
            expected = CONSENTED.get(role, OWN[role])
        else:
            expected = OWN[role]
        assert set(access.categories) == expected, (role, state)
