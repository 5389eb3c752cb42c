"""The access rules of DESIGN.md, decided here and nowhere else.

1. Municipality isolation: staff see only the municipality they are working in.
2. Categories: a role reads its own unit's categories; health needs health personnel too.
3. Another unit's category needs the resident's consent in force, to one of the user's units.
4. A work relation (primary contact, team, open case) or an active break-the-glass is needed.
5. Reads are logged where they are decided: `resident_read` for one resident's information,
   `list_read_record` for a page or export that names several (see `husly.access.services`).
6. Protected addresses only for those cleared.
7. Caretakers, analysts and administrators read no resident pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.models import AccessBasis, BreakGlass, Consent, ConsentScope, IntegrationScope
from husly.accounts.models import Role, RoleAssignment, UnitKind
from husly.common.models import Category, Municipality

UNIT_CATEGORIES: dict[str, frozenset[str]] = {
    UnitKind.HOUSING: frozenset({Category.HOUSING}),
    UnitKind.FOLLOWUP: frozenset({Category.FOLLOWUP, Category.HEALTH}),
    UnitKind.NAV: frozenset({Category.NAV}),
    UnitKind.PROPERTY: frozenset({Category.HOUSING}),
    UnitKind.CARETAKER: frozenset(),
}

ROLES_READING_RESIDENTS = frozenset({
    Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR, Role.TEAM_LEADER,
    Role.PROPERTY_MANAGER,
})

RESIDENT_RIGHTS_ROLES = frozenset({
    Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR, Role.TEAM_LEADER,
})

# Pages (not person data) and the roles that may open them. Every view declares its kind
# with `husly.access.decorators.page`; the access-matrix test fails for a view without one.
PAGE_ROLES: dict[str, frozenset[str] | None] = {
    "public": None,  # login, language switch: no role needed
    "signed_in": frozenset(Role.values),  # own account pages: any role
    "residents": ROLES_READING_RESIDENTS,
    "resident_register": frozenset({
        Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER, Role.NAV_COUNSELLOR, Role.TEAM_LEADER,
    }),
    "dwellings": frozenset(Role.values) - {Role.ANALYST},
    "dwelling_register": frozenset({Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER}),
    "tenancy_register": frozenset({Role.HOUSING_OFFICER}),
    # From application to keys: the housing service runs the case, the follow-up unit gives
    # its statement, everyone in a joint meeting does their tasks.
    "allocation": frozenset({Role.HOUSING_OFFICER, Role.TEAM_LEADER}),
    "allocation_manage": frozenset({Role.HOUSING_OFFICER}),
    "application": ROLES_READING_RESIDENTS,
    "statement_write": frozenset({Role.FOLLOWUP_WORKER, Role.TEAM_LEADER}),
    "tasks": frozenset(Role.values) - {Role.ANALYST, Role.ADMINISTRATOR},
    # The inbox: what other units wait on from this person or their unit (ADR 0030). The
    # analyst and the administrator hand nothing over and land on their own pages.
    "inbox": frozenset(Role.values) - {Role.ANALYST, Role.ADMINISTRATOR},
    # Meetings held *with* other units: the joint meeting after an allocation and the
    # coordination meeting after health care is declined are read by their participants.
    "joint_meeting": frozenset({Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER,
                                Role.NAV_COUNSELLOR, Role.TEAM_LEADER}),
    "coordination": frozenset({Role.HOUSING_OFFICER, Role.FOLLOWUP_WORKER,
                               Role.NAV_COUNSELLOR, Role.TEAM_LEADER}),
    "work_orders": frozenset({Role.CARETAKER, Role.PROPERTY_MANAGER, Role.HOUSING_OFFICER}),
    # Anyone who sees a dwelling's state on their rounds may order a job for the caretakers.
    "work_order_create": frozenset({Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER,
                                    Role.FOLLOWUP_WORKER, Role.TEAM_LEADER}),
    # Rent arrears are recorded by the housing service or NAV.
    "arrears": frozenset({Role.HOUSING_OFFICER, Role.NAV_COUNSELLOR}),
    # Keeping the home: agreements and weekly visits are the follow-up unit's work.
    "followup": frozenset({Role.FOLLOWUP_WORKER, Role.TEAM_LEADER}),
    # The team board: every member of a team, whatever their unit (not analysts or admins).
    "board": frozenset(Role.values) - {Role.ANALYST, Role.ADMINISTRATOR},
    # The politically adopted rules are configured by the administrator and the team leader.
    "allocation_settings": frozenset({Role.ADMINISTRATOR, Role.TEAM_LEADER}),
    # The resident's rights: consent, their access log and their copy are handled by whoever
    # works with them in the housing service, the follow-up unit or NAV.
    "consent": RESIDENT_RIGHTS_ROLES,
    "access_log": RESIDENT_RIGHTS_ROLES,
    "data_copy": RESIDENT_RIGHTS_ROLES,
    # Emergency access is for those whose work is with residents.
    "break_glass": ROLES_READING_RESIDENTS - {Role.PROPERTY_MANAGER},
    # Leaders review emergency and unusual access.
    "access_review": frozenset({Role.TEAM_LEADER}),
    # Retention is run by the administrator; the screen shows counts, never names.
    "retention": frozenset({Role.ADMINISTRATOR}),
    # The by-name list of everyone without a home: rows are named only where the user reads
    # the person (policy.readable_categories); the housing service and leaders run it.
    "by_name_list": RESIDENT_RIGHTS_ROLES,
    "by_name_manage": frozenset({Role.HOUSING_OFFICER, Role.TEAM_LEADER}),
    # Outcome figures: also the analyst, who sees counts only, small ones suppressed.
    "outcomes": RESIDENT_RIGHTS_ROLES | {Role.ANALYST},
    # The inhabitants behind the per-1,000 figures are entered by leaders and analysts.
    "outcomes_manage": frozenset({Role.TEAM_LEADER, Role.ANALYST}),
    # Housing First fidelity: the team's yearly self-assessment, no person data; read by
    # those who see the outcomes, scored and its items edited by the team leader.
    "fidelity": RESIDENT_RIGHTS_ROLES | {Role.ANALYST},
    "fidelity_manage": frozenset({Role.TEAM_LEADER}),
    # Method guidance (P21): everyone reads it where they work; the team leader writes it.
    "guidance": frozenset(Role.values),
    "guidance_manage": frozenset({Role.TEAM_LEADER}),
    # The financing pathway (P17): startlån, etableringstilskudd and bostøtte are housing
    # information, the deposit guarantee and financial help NAV information; each record is
    # read by its category and written by its unit (financing_write_categories).
    "financing": frozenset({Role.HOUSING_OFFICER, Role.NAV_COUNSELLOR, Role.TEAM_LEADER,
                            Role.FOLLOWUP_WORKER}),
    "financing_manage": frozenset({Role.HOUSING_OFFICER, Role.NAV_COUNSELLOR}),
    # The private-landlord register (P21): the housing service and the property department
    # build goodwill in the private market; the leader follows it.
    "landlords": frozenset({Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER, Role.TEAM_LEADER}),
    "landlords_manage": frozenset({Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER}),
    # The housing-social forum (P18): the follow-up service and the property department
    # meet; the housing service joins. Its agenda shows dwellings, not people: names and
    # reasons only as forum_names_and_reasons allows.
    "forum": frozenset({Role.PROPERTY_MANAGER, Role.FOLLOWUP_WORKER, Role.TEAM_LEADER,
                        Role.HOUSING_OFFICER}),
    # Cost sharing (P22): positions funded by several units, per budget year; no person
    # data. Leaders and the administrator keep it, the analyst reads it.
    "cost_sharing": frozenset({Role.TEAM_LEADER, Role.ADMINISTRATOR, Role.ANALYST}),
    "cost_sharing_manage": frozenset({Role.TEAM_LEADER, Role.ADMINISTRATOR}),
    # Integration tokens for other systems (ADR 0027): created and revoked by the
    # administrator; the page shows names, operations and the call log, no person data.
    "integrations": frozenset({Role.ADMINISTRATOR}),
    # Imports from the property system and other registers (issue 10): each kind of file by
    # those who register that kind by hand, and dwellings also by the administrator, who
    # reads no person data: residents and tenancies carry fødselsnummer, so only the housing
    # service imports them (a check that says "no resident has this number" tells who is a
    # resident). The problem list never repeats a cell's value.
    "imports": frozenset({Role.ADMINISTRATOR, Role.HOUSING_OFFICER, Role.PROPERTY_MANAGER}),
    "imports_dwellings": frozenset({Role.ADMINISTRATOR, Role.HOUSING_OFFICER,
                                    Role.PROPERTY_MANAGER}),
    "imports_residents": frozenset({Role.HOUSING_OFFICER}),
    "imports_tenancies": frozenset({Role.HOUSING_OFFICER}),
}


def import_kinds(staff) -> list[str]:
    """The kinds of file (husly.imports.models.ImportKind) the staff member may import."""
    return [kind for kind in ("dwellings", "residents", "tenancies")
            if staff.may_open(f"imports_{kind}")]

# Counts smaller than this (1 to 4) are hidden from those who see figures but not people.
SMALL_CELL = 5


@dataclass
class StaffContext:
    """The signed-in staff member as they work now: in one municipality, with its roles."""

    user: object
    municipality: Municipality | None
    assignments: list[RoleAssignment] = field(default_factory=list)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self.assignments)

    @cached_property
    def units(self) -> list:
        return [a.unit for a in self.assignments if a.unit_id]

    @cached_property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(a.unit_id for a in self.assignments if a.unit_id)

    @cached_property
    def held_categories(self) -> frozenset[str]:
        """What the user's units hold, health included: consent crosses units, so it never
        adds these (a follow-up worker who is not health personnel stays without health)."""
        held: set[str] = set()
        for a in self.assignments:
            if a.unit is not None:
                held |= UNIT_CATEGORIES[a.unit.kind]
        return frozenset(held)

    @cached_property
    def own_categories(self) -> frozenset[str]:
        if not self.roles & ROLES_READING_RESIDENTS:
            return frozenset()
        categories: set[str] = set()
        for a in self.assignments:
            if a.role not in ROLES_READING_RESIDENTS or a.unit is None:
                continue
            categories |= UNIT_CATEGORIES[a.unit.kind]
        if not self.user.is_health_personnel:
            categories.discard(Category.HEALTH)
        return frozenset(categories)

    def may_open(self, page: str) -> bool:
        allowed = PAGE_ROLES[page]
        if allowed is None:
            return True
        return self.municipality is not None and bool(self.roles & allowed)


def staff_context_for(user, municipality_id: int | None) -> StaffContext:
    """Build the context; a user with roles in several municipalities works in one at a time."""
    if not user.is_authenticated:
        return StaffContext(user=user, municipality=None)
    assignments = list(
        RoleAssignment.objects.filter(user=user).select_related("unit", "municipality")
    )
    municipalities = {a.municipality_id: a.municipality for a in assignments}
    if municipality_id not in municipalities:
        municipality_id = min(municipalities) if municipalities else None
    return StaffContext(
        user=user,
        municipality=municipalities.get(municipality_id),
        assignments=[a for a in assignments if a.municipality_id == municipality_id],
    )


@dataclass(frozen=True)
class HiddenPart:
    category: str
    reason: str


@dataclass(frozen=True)
class ResidentAccess:
    """What one staff member may read of one resident, and why the rest is hidden."""

    basis: str | None
    categories: frozenset[str]
    hidden: tuple[HiddenPart, ...]
    sees_protected_address: bool
    denied_reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.basis is not None

    @property
    def basis_label(self) -> str:
        return AccessBasis(self.basis).label if self.basis else ""

    def reads(self, category: str) -> bool:
        return category in self.categories


def _resident_model():
    """The resident, as the access app's own relations name it ("people.Resident"). The
    kernel knows that residents and their cases exist, as its consents and emergency accesses
    point at them; it takes their models from Django's app registry by that name instead of
    importing the people app, which builds on the kernel (ADR 0031)."""
    return BreakGlass._meta.get_field("resident").related_model


def _work_relation_q(staff: StaffContext, now) -> Q:
    """Subqueries rather than joins: an OR over joined tables makes PostgreSQL scan them all."""
    Case = _resident_model()._meta.get_field("cases").related_model  # noqa: N806 - a model
    user = staff.user
    team_ids = user.team_memberships.filter(
        team__municipality=staff.municipality).values("team_id")
    return (
        Q(primary_contact=user)
        | Q(team_id__in=team_ids)
        | Q(pk__in=Case.objects.filter(assigned_to=user, closed_on__isnull=True)
            .values("resident_id"))
        | Q(pk__in=BreakGlass.objects.filter(user=user, expires_at__gt=now,
                                             started_at__lte=now).values("resident_id"))
    )


def resident_in_municipality(staff: StaffContext, pk: int):
    """The resident `pk` of the staff member's municipality, or 404: a resident of another
    municipality is not found at all, never refused (403)."""
    if staff.municipality is None:
        raise Http404
    try:
        return _resident_model().objects.select_related("team", "primary_contact").get(
            pk=pk, municipality=staff.municipality)
    except ObjectDoesNotExist:
        raise Http404 from None


def residents_visible(staff: StaffContext) -> QuerySet:
    """Residents this staff member may find in lists and search: a work relation is needed."""
    Resident = _resident_model()  # noqa: N806 - a model
    if staff.municipality is None or not staff.roles & ROLES_READING_RESIDENTS:
        return Resident.objects.none()
    return Resident.objects.filter(municipality=staff.municipality).filter(
        _work_relation_q(staff, timezone.now())
    )


def _basis(staff: StaffContext, resident, now) -> str | None:
    user = staff.user
    if resident.primary_contact_id == user.pk:
        return AccessBasis.PRIMARY_CONTACT
    if resident.team_id and user.team_memberships.filter(team_id=resident.team_id).exists():
        return AccessBasis.TEAM
    if resident.cases.open().filter(assigned_to=user).exists():
        return AccessBasis.CASE
    if BreakGlass.objects.filter(
        user=user, resident=resident, started_at__lte=now, expires_at__gt=now
    ).exists():
        return AccessBasis.BREAK_GLASS
    return None


def _consented_categories(staff: StaffContext, resident, today) -> frozenset[str]:
    if not staff.unit_ids:
        return frozenset()
    granted: set[str] = set()
    consents = Consent.objects.filter(
        resident=resident, to_units__in=staff.unit_ids, given_on__lte=today,
        scope=ConsentScope.CATEGORIES,
    ).distinct()
    for consent in consents:
        if consent.is_in_force(today):
            granted |= set(consent.categories)
    return frozenset(granted) - staff.held_categories


def _category_information(category: str) -> str:
    return {
        Category.HOUSING: _("housing information"),
        Category.FOLLOWUP: _("follow-up information"),
        Category.HEALTH: _("health information"),
        Category.NAV: _("NAV information"),
    }[category]


def _category_source(category: str) -> str:
    return {
        Category.HOUSING: _("the housing service"),
        Category.FOLLOWUP: _("the follow-up unit"),
        Category.HEALTH: _("the follow-up unit"),
        Category.NAV: _("NAV"),
    }[category]


def resident_access(staff: StaffContext, resident) -> ResidentAccess:
    """Decide, at this moment, what `staff` may read of `resident`.

    Callers must already have found the resident within `staff.municipality`; a resident of
    another municipality is not found at all (404), never refused (403).
    """
    if staff.municipality is None or resident.municipality_id != staff.municipality.pk:
        raise ValueError("resident_access needs a resident of the staff member's municipality")
    if not staff.roles & ROLES_READING_RESIDENTS:
        return ResidentAccess(
            basis=None, categories=frozenset(), hidden=(), sees_protected_address=False,
            denied_reason=_("Your role does not give access to residents' information."),
        )
    now = timezone.now()
    basis = _basis(staff, resident, now)
    if basis is None:
        return ResidentAccess(
            basis=None, categories=frozenset(), hidden=(), sees_protected_address=False,
            denied_reason=_(
                "You have no work relation to this resident (not primary contact, not on the "
                "team that follows them, no open case). Ask the team leader to add you if you "
                "need access."
            ),
        )
    today = timezone.localdate()
    own = staff.own_categories
    consented = _consented_categories(staff, resident, today)
    readable = own | consented
    hidden = []
    for category in Category.values:
        if category in readable:
            continue
        if category == Category.HEALTH and Category.FOLLOWUP in own:
            reason = _("Hidden: only health personnel in the follow-up unit may read health "
                       "information.")
        else:
            reason = _(
                "Hidden: requires the resident's consent to share %(information)s from "
                "%(source)s with your unit."
            ) % {"information": _category_information(category),
                 "source": _category_source(category)}
        hidden.append(HiddenPart(category=category, reason=reason))
    return ResidentAccess(
        basis=basis,
        categories=frozenset(readable),
        hidden=tuple(hidden),
        sees_protected_address=bool(staff.user.cleared_for_protected_addresses),
    )


def resident_shows_address(staff: StaffContext, resident) -> bool:
    """Whether an address tied to this resident may be shown to `staff` (rule 6)."""
    return not resident.has_protected_address or bool(
        staff.user.cleared_for_protected_addresses
    )


def residents_placeable(staff: StaffContext) -> QuerySet:
    """Residents this staff member may register in a dwelling: a placement ties a person to
    an address, so one with a protected address is placed only by those cleared (rule 6)."""
    residents = residents_visible(staff)
    if not staff.user.cleared_for_protected_addresses:
        residents = residents.filter(protected_address="none")
    return residents


def work_order_resident_shown(staff: StaffContext, work_order) -> bool:
    """A work order names the dwelling; its resident's name and phone are shown beside it
    only when the address may be tied to the person (rule 6)."""
    return work_order.resident_id is not None and resident_shows_address(
        staff, work_order.resident)


def tenants_shown(staff: StaffContext, residents) -> set[int]:
    """Which of these tenants' names may appear beside a dwelling's address.

    A name there tells where the person lives: it needs a work relation, the housing
    category (own or by consent), and, for a protected address, clearance (rule 6).
    """
    candidates = [r for r in residents if r.municipality_id == getattr(
        staff.municipality, "pk", None)]
    if not candidates:
        return set()
    related = set(
        residents_visible(staff).filter(pk__in=[r.pk for r in candidates])
        .values_list("pk", flat=True)
    )
    readable = readable_categories(staff, related)
    return {
        r.pk for r in candidates
        if r.pk in related and resident_shows_address(staff, r)
        and Category.HOUSING in readable[r.pk]
    }


def may_complete_task(staff: StaffContext, task) -> bool:
    """A move-in task is done by its responsible person or anyone in its responsible unit."""
    if not staff.may_open("tasks"):
        return False
    return task.assigned_to_id == staff.user.pk or task.unit_id in staff.unit_ids


def may_complete_work_order(staff: StaffContext, work_order) -> bool:
    if work_order.municipality_id != getattr(staff.municipality, "pk", None):
        return False
    return Role.CARETAKER in staff.roles or Role.PROPERTY_MANAGER in staff.roles


def work_orders_visible(staff: StaffContext, orders: QuerySet) -> QuerySet:
    """The work orders (of `orders`, the housing app's) this staff member may see. Caretakers
    see the dwelling, the order and the resident's name and phone: the selector hands over
    only those fields of the resident (rule 7)."""
    if staff.municipality is None or not staff.may_open("work_orders"):
        return orders.none()
    orders = orders.filter(municipality=staff.municipality)
    if staff.roles <= {Role.CARETAKER}:
        # A caretaker sees their own orders and the shared pool, not a colleague's.
        orders = orders.filter(Q(assigned_to=staff.user) | Q(assigned_to__isnull=True))
    return orders


# Hand-offs between units (ADR 0030). The workflow that hands information to another unit
# records the basis on which the receivers read it; the read is logged with that basis.

MEETING_UNIT_KINDS = frozenset({UnitKind.HOUSING, UnitKind.FOLLOWUP, UnitKind.NAV})


def _handed_over(basis: str, categories) -> ResidentAccess:
    return ResidentAccess(basis=basis, categories=frozenset(categories), hidden=(),
                          sees_protected_address=False)


def statement_consent_in_force(application, today=None) -> bool:
    consent = application.statement_consent
    return consent is not None and consent.is_in_force(today or timezone.localdate())


def statement_reading(staff: StaffContext, application, access: ResidentAccess
                      ) -> ResidentAccess | None:
    """Who reads a given statement, and on what basis. The follow-up unit writes it *for*
    the housing service: whoever reads the resident's follow-up information reads it as
    such; the housing officer who asked, or anyone in the housing units the applicant's
    consent to the statement names, reads this statement (and nothing else of the follow-up
    unit's) while that consent is in force. None: not readable."""
    statement = getattr(application, "statement", None)
    if statement is None or statement.given_on is None or not access.allowed:
        return None
    if access.reads(Category.FOLLOWUP):
        return access
    if not statement_consent_in_force(application):
        return None
    consent = application.statement_consent
    if not set(consent.to_units.values_list("pk", flat=True)) & staff.unit_ids:
        return None
    return _handed_over(AccessBasis.STATEMENT_RECIPIENT, {Category.FOLLOWUP})


def statement_missing_consent(staff: StaffContext, application, access: ResidentAccess) -> bool:
    """The housing service cannot read a given statement because the applicant's consent
    to it is not recorded (or no longer in force): the page says so and offers to record
    it."""
    statement = getattr(application, "statement", None)
    return (statement is not None and statement.given_on is not None and access.allowed
            and not access.reads(Category.FOLLOWUP)
            and Category.HOUSING in staff.own_categories
            and not statement_consent_in_force(application))


def statement_writer_access(staff: StaffContext, application) -> ResidentAccess:
    """The follow-up unit asked for a statement reads the application it is asked about:
    the housing service's request hands it over (basis: asked for a statement). A work
    relation gives the usual access instead."""
    statement = getattr(application, "statement", None)
    if not staff.may_open("statement_write") or statement is None:
        return _denied(_("Only the follow-up unit asked for the statement writes it."))
    access = resident_access(staff, application.applicant)
    if access.allowed:
        return access
    # While the request is open; afterwards only its writer looks back at it.
    if statement.unit_id in staff.unit_ids and (
            statement.given_on is None or statement.written_by_id == staff.user.pk):
        return _handed_over(AccessBasis.STATEMENT_REQUEST, {Category.HOUSING})
    return _denied(_("The statement was asked of another unit. Ask the housing officer who "
                     "asked for it."))


def _denied(reason: str) -> ResidentAccess:
    return ResidentAccess(basis=None, categories=frozenset(), hidden=(),
                          sees_protected_address=False, denied_reason=reason)


def _in_meeting_units(staff: StaffContext) -> bool:
    return any(unit.kind in MEETING_UNIT_KINDS for unit in staff.units)


def coordination_meeting_access(staff: StaffContext, meeting) -> tuple[ResidentAccess, bool]:
    """(what `staff` reads of the coordination meeting, whether they record it). The
    follow-up unit holds the meeting with the resident's follow-up information; the housing
    service and NAV take part and read its agenda, decisions and tasks (follow-up
    information, never health notes) as participants."""
    resident = meeting.agreement.resident
    access = resident_access(staff, resident)
    if access.allowed and access.reads(Category.FOLLOWUP):
        return access, staff.may_open("followup")
    # A participant's need lasts while the meeting is to be held or its tasks are open.
    live = meeting.held_on is None or meeting.tasks.filter(done_on__isnull=True).exists()
    if staff.may_open("coordination") and _in_meeting_units(staff) and live:
        return _handed_over(AccessBasis.MEETING_PARTICIPANT, {Category.FOLLOWUP}), False
    return _denied(_("Only the housing service, the follow-up unit and NAV take part in the "
                     "coordination meeting.")), False


def joint_meeting_access(staff: StaffContext, allocation) -> ResidentAccess:
    """The joint meeting after an allocation is held by housing, follow-up and NAV together
    (P4): its participants read the meeting, its note and its move-in tasks (housing
    information) as participants; a work relation gives the usual access."""
    access = resident_access(staff, allocation.application.applicant)
    if access.allowed and access.reads(Category.HOUSING):
        return access
    # A participant's need lasts until the move-in, when the meeting's work is done.
    if (staff.may_open("joint_meeting") and _in_meeting_units(staff)
            and allocation.moved_in_on is None):
        return _handed_over(AccessBasis.JOINT_MEETING, {Category.HOUSING})
    return _denied(_("Only the housing service, the follow-up unit and NAV take part in the "
                     "joint meeting."))


def may_hold_joint_meeting(staff: StaffContext) -> bool:
    return staff.may_open("allocation_manage")


def may_complete_coordination_task(staff: StaffContext, task) -> bool:
    """A coordination task is done by its responsible person or anyone in its unit."""
    if not staff.may_open("coordination"):
        return False
    return task.assigned_to_id == staff.user.pk or task.unit_id in staff.unit_ids


def inbox_names(staff: StaffContext, resident_ids) -> dict[int, str]:
    """The names an inbox may show: only of residents the staff member has a work relation
    to, since the list itself hands nothing over. Opening an item reads on the workflow's
    basis."""
    resident_ids = [pk for pk in resident_ids if pk]
    if not resident_ids:
        return {}
    return {pk: f"{given} {family}" for pk, given, family in residents_visible(staff)
            .filter(pk__in=resident_ids).values_list("pk", "given_name", "family_name")}


def readable_categories(staff: StaffContext, resident_ids) -> dict[int, frozenset[str]]:
    """What `staff` may read of each of these residents, in two queries: for lists whose
    rows already passed `residents_visible` (the work relation)."""
    resident_ids = list(resident_ids)
    own = staff.own_categories
    result = {pk: own for pk in resident_ids}
    if not staff.unit_ids or not resident_ids:
        return result
    today = timezone.localdate()
    consents = Consent.objects.filter(resident_id__in=resident_ids,
                                      to_units__in=staff.unit_ids,
                                      given_on__lte=today,
                                      scope=ConsentScope.CATEGORIES).distinct()
    for consent in consents:
        if consent.is_in_force(today):
            result[consent.resident_id] = result[consent.resident_id] | (
                set(consent.categories) - staff.held_categories)
    return {pk: frozenset(categories) for pk, categories in result.items()}


def may_view_team_board(staff: StaffContext, team) -> bool:
    """A team's board is for its members."""
    return (staff.may_open("board") and staff.municipality is not None
            and team.municipality_id == staff.municipality.pk
            and team.memberships.filter(user=staff.user).exists())


def arrears_recording_category(staff: StaffContext, resident) -> str | None:
    """Rent arrears are housing or NAV information, recorded in the category of the unit
    that knows of them, by someone with a work relation to the resident."""
    if not staff.may_open("arrears") or not resident_access(staff, resident).allowed:
        return None
    return next((c for c in (Category.HOUSING, Category.NAV) if c in staff.own_categories),
                None)


def financing_write_categories(staff: StaffContext, access: ResidentAccess) -> frozenset[str]:
    """The financing records `staff` may register and decide for this resident: those of the
    categories their own unit holds (housing or NAV), with a work relation. Consent lets
    another unit read a record, never write it."""
    if not staff.may_open("financing_manage") or not access.allowed:
        return frozenset()
    return staff.own_categories & {Category.HOUSING, Category.NAV}


def forum_names_and_reasons(staff: StaffContext, residents) -> tuple[set[int], dict]:
    """On the housing forum's agenda a row is a dwelling. Beside it, a resident's name only
    as `tenants_shown` allows, and the reason a tenancy is at risk by category: rent arrears
    (housing or NAV, about the lease) where the user reads that category; the red board
    (follow-up) only with a work relation too. Returns (names shown, {id: categories})."""
    residents = [r for r in residents if r.municipality_id == getattr(
        staff.municipality, "pk", None)]
    if not residents or not staff.may_open("forum"):
        return set(), {}
    ids = [r.pk for r in residents]
    related = set(residents_visible(staff).filter(pk__in=ids).values_list("pk", flat=True))
    readable = readable_categories(staff, ids)
    reasons = {pk: categories if pk in related else categories - {Category.FOLLOWUP,
                                                                    Category.HEALTH}
               for pk, categories in readable.items()}
    return tenants_shown(staff, residents), reasons


def may_manage_consent(staff: StaffContext, access: ResidentAccess) -> bool:
    """Consent is recorded and withdrawn by staff with a work relation to the resident; not
    on emergency access, which is for reading in a crisis, not for changing who may read."""
    return staff.may_open("consent") and may_change_relation(access)


def may_change_relation(access: ResidentAccess) -> bool:
    """Team, primary contact and consent decide who reads a resident later. Emergency access
    must not make itself permanent by changing them."""
    return access.allowed and access.basis != AccessBasis.BREAK_GLASS


def may_change_protected_address(staff: StaffContext, resident) -> bool:
    """Anyone may mark an address protected; only those cleared may change or lift it."""
    return not resident.has_protected_address or bool(
        staff.user.cleared_for_protected_addresses)


def access_review_team_ids(staff: StaffContext) -> list[int]:
    """A team leader reviews access to and by the teams they are on, not the whole
    municipality's."""
    if not staff.may_open("access_review") or staff.municipality is None:
        return []
    return list(staff.user.team_memberships.filter(team__municipality=staff.municipality)
                .values_list("team_id", flat=True))


def may_handle_resident_rights(staff: StaffContext, access: ResidentAccess, kind: str) -> bool:
    """The access log and the copy of the data are handed out by staff with a work relation
    (`kind` is "access_log" or "data_copy")."""
    return staff.may_open(kind) and access.allowed


def may_break_glass(staff: StaffContext, access: ResidentAccess) -> bool:
    """Emergency access is for someone whose role reads residents but who has no relation:
    a relation makes it unnecessary, and an open break-the-glass already grants it."""
    return staff.may_open("break_glass") and not access.allowed and bool(
        staff.roles & ROLES_READING_RESIDENTS)


def break_glass_duration():
    import datetime

    from django.conf import settings

    return datetime.timedelta(hours=settings.HUSLY_BREAK_GLASS_HOURS)


def categories_held_by(units) -> frozenset[str]:
    """The categories a set of units writes: a consent can share only these from them."""
    held: set[str] = set()
    for unit in units:
        held |= UNIT_CATEGORIES[unit.kind]
    return frozenset(held)


def may_review_access(staff: StaffContext, municipality_id: int) -> bool:
    return staff.may_open("access_review") and getattr(
        staff.municipality, "pk", None) == municipality_id


def data_copy_categories(access: ResidentAccess) -> frozenset[str]:
    """A copy of the data holds what its maker may read; the rest is made by the unit that
    holds it (docs/decisions/0015), so no one reads another unit's information to hand it
    out."""
    return access.categories


def outcome_people_shown(staff: StaffContext) -> bool:
    """Whether a figure opens the list of people behind it (analysts see counts only)."""
    return staff.may_open("by_name_list")


def outcome_figures_protected(staff: StaffContext | None) -> bool:
    """Whether the outcome figures are protected against disclosure (ADR 0034): for those
    who see counts but not the people behind them, and for reports that leave the system
    (no user, such as the one to the council). Counts under SMALL_CELL are hidden, and
    enough others that none of them can be worked out from the rest."""
    return staff is None or not outcome_people_shown(staff)


# Integrations (ADR 0027): another system of the municipality calls the API with a token that
# names the operations it may use. It acts for the token's municipality only, through the
# token's own system user, and reads or writes only what its operations need.

# What each operation reads or writes of a resident: rent arrears reported by the finance
# system are housing information about the lease; reading vacant dwellings touches no one.
INTEGRATION_SCOPE_CATEGORIES: dict[str, frozenset[str]] = {
    IntegrationScope.RENT_ARREARS_REPORT: frozenset({Category.HOUSING}),
    IntegrationScope.VACANT_DWELLINGS_READ: frozenset(),
}


def integration_may(token, scope: str, *, today=None) -> bool:
    """Whether this token, now, gives the operation `scope`."""
    today = today or timezone.localdate()
    return (token.revoked_at is None and token.expires_on >= today
            and scope in token.scopes and scope in INTEGRATION_SCOPE_CATEGORIES)


def integration_context(token) -> StaffContext:
    """The integration as the services see an actor: its system user, in the token's
    municipality, with no role (it opens no page)."""
    return StaffContext(user=token.system_user, municipality=token.municipality)


def integration_resident_access(token, resident, scope: str) -> ResidentAccess:
    """What the operation `scope` of this token touches of `resident`, for the access log.
    A resident of another municipality is never reached (the callers look up within the
    token's municipality); asking for one is a bug."""
    if resident.municipality_id != token.municipality_id:
        raise ValueError("an integration reaches only its own municipality's residents")
    categories = INTEGRATION_SCOPE_CATEGORIES.get(scope, frozenset())
    if not integration_may(token, scope) or not categories:
        return ResidentAccess(basis=None, categories=frozenset(), hidden=(),
                              sees_protected_address=False,
                              denied_reason=_("The token does not give this operation."))
    return ResidentAccess(basis=AccessBasis.INTEGRATION, categories=categories, hidden=(),
                          sees_protected_address=False)
