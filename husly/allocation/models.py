"""From application to keys: applications, statements, decisions, offers, allocations,
the joint meeting and the move-in tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import Municipality, MunicipalityScopedModel
from husly.housing.models import DwellingKind
from husly.people.models import Background


class AllocationSettings(models.Model):
    """What each municipality decides for itself: lease lengths, deadlines, letter details."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="allocation_settings"
    )
    lease_lengths_months = models.JSONField(
        _("lease lengths (months)"), default=list,
        help_text=_("The lease lengths the municipality grants, e.g. [36, 60]."),
    )
    statement_due_days = models.PositiveSmallIntegerField(
        _("days to give a statement"), default=10
    )
    meeting_business_days = models.PositiveSmallIntegerField(
        _("business days to the joint meeting"), default=3
    )
    offer_answer_days = models.PositiveSmallIntegerField(_("days to answer an offer"), default=7)
    appeal_body = models.CharField(
        _("appeal body for dwelling decisions"), max_length=200,
        default="Kommunens klagenemnd",
    )
    contact = models.CharField(_("contact for viewing and contract"), max_length=300, blank=True)

    def __str__(self) -> str:
        return str(self.municipality)


class AllocationCriterion(MunicipalityScopedModel):
    """A politically adopted allocation criterion, as the municipality words it."""

    text = models.CharField(_("criterion"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("allocation criterion")

    def __str__(self) -> str:
        return self.text


class ApplicationState(models.TextChoices):
    RECEIVED = "received", _("Received")
    STATEMENT_REQUESTED = "statement_requested", _("Statement requested")
    STATEMENT_GIVEN = "statement_given", _("Statement given")
    DECIDED = "decided", _("Granted")
    REFUSED = "refused", _("Refused")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Offer accepted")
    DECLINED = "declined", _("Offer declined")
    ALLOCATED = "allocated", _("Allocated")
    MOVED_IN = "moved_in", _("Moved in")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def open(cls) -> list[str]:
        return [s for s in cls.values if s not in (cls.REFUSED, cls.MOVED_IN, cls.WITHDRAWN)]


class Application(MunicipalityScopedModel):
    applicant = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("applicant"),
    )
    household_members = models.ManyToManyField(
        "people.Resident", blank=True, related_name="household_applications",
        verbose_name=_("household members"),
    )
    registered_on = models.DateField(_("registered"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("housing officer"),
    )
    case = models.ForeignKey("people.Case", on_delete=models.PROTECT, related_name="+")
    rooms_needed = models.PositiveSmallIntegerField(_("rooms needed"), default=1)
    needs_ground_floor_or_lift = models.BooleanField(_("ground floor or lift"), default=False)
    needs_wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    needs_rop_suited = models.BooleanField(_("suited for the ROP group"), default=False)
    needs_24h_staffing = models.BooleanField(_("24-hour staffing"), default=False)
    wished_area = models.CharField(_("wished area"), max_length=150, blank=True)
    wished_kind = models.CharField(
        _("wished kind of dwelling"), max_length=20, choices=DwellingKind.choices, blank=True
    )
    wishes = models.TextField(_("the applicant's own wishes"), blank=True)
    housing_first = models.BooleanField(_("Housing First"), default=False)
    referral_source = models.CharField(
        _("referral source"), max_length=20, choices=Background.choices, blank=True
    )
    state = models.CharField(
        _("state"), max_length=30, choices=ApplicationState.choices,
        default=ApplicationState.RECEIVED,
    )
    state_since = models.DateField(_("in this state since"))
    preliminary_reply_on = models.DateField(_("preliminary reply sent"), null=True, blank=True)
    # The applicant's consent to the follow-up unit's statement reaching the housing service,
    # recorded with the application (ADR 0030).
    statement_consent = models.ForeignKey(
        "access.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("consent to the statement"),
    )

    class Meta:
        ordering = ["registered_on", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["municipality", "state"])]

    def __str__(self) -> str:
        return f"{self.applicant} ({self.registered_on})"


class CriterionAssessment(models.Model):
    class Verdict(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")
        UNCLEAR = "unclear", _("Unclear")

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="assessments")
    criterion = models.ForeignKey(AllocationCriterion, on_delete=models.PROTECT,
                                  related_name="+")
    verdict = models.CharField(_("assessment"), max_length=10, choices=Verdict.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "criterion"],
                                               name="assessment_once_per_criterion")]


class Statement(models.Model):
    """The follow-up unit's statement (uttale). Its text is follow-up information."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE,
                                       related_name="statement")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested"))
    due_on = models.DateField(_("due"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    text = models.TextField(_("statement"), blank=True)
    given_on = models.DateField(_("given"), null=True, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")


class DecisionKind(models.TextChoices):
    DWELLING = "dwelling", _("Municipal dwelling (kommunal bolig)")
    TAILORED_HELP = "tailored_help", _("Individually tailored help (boligsosial lov § 10)")


class Decision(models.Model):
    """An enkeltvedtak (forvaltningsloven §§ 23–25, 27, 29)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE,
                                       related_name="decision")
    kind = models.CharField(_("kind of decision"), max_length=20, choices=DecisionKind.choices)
    granted = models.BooleanField(_("granted"))
    reasons = models.TextField(_("reasons"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    dwelling_kind = models.CharField(_("kind of dwelling granted"), max_length=20,
                                     choices=DwellingKind.choices, blank=True)
    rooms = models.PositiveSmallIntegerField(_("rooms granted"), null=True, blank=True)
    lease_months = models.PositiveSmallIntegerField(_("lease length (months)"), null=True,
                                                    blank=True)
    help_content = models.TextField(_("the help granted"), blank=True)
    decided_on = models.DateField(_("decided"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")


class DeclineReason(models.TextChoices):
    LOCATION = "location", _("Location")
    SIZE = "size", _("Size or layout")
    CONDITION = "condition", _("Condition of the dwelling")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood or neighbours")
    RENT = "rent", _("Rent too high")
    OTHER = "other", _("Other")


class Offer(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting for answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="offers")
    dwelling = models.ForeignKey("housing.Dwelling", on_delete=models.PROTECT,
                                 related_name="offers")
    offered_on = models.DateField(_("offered"))
    answer_by = models.DateField(_("answer by"))
    viewing_on = models.DateField(_("viewing"), null=True, blank=True)
    viewing_companions = models.CharField(_("came along to the viewing"), max_length=300,
                                          blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices,
                              default=Answer.PENDING)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=20,
                                      choices=DeclineReason.choices, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-offered_on", "-id"]


class Allocation(MunicipalityScopedModel):
    application = models.OneToOneField(Application, on_delete=models.PROTECT,
                                       related_name="allocation")
    dwelling = models.ForeignKey("housing.Dwelling", on_delete=models.PROTECT,
                                 related_name="allocations")
    allocated_on = models.DateField(_("allocated"))
    meeting_deadline = models.DateField(_("joint meeting due"))
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    moved_in_on = models.DateField(_("moved in"), null=True, blank=True)
    tenancy = models.OneToOneField("housing.Tenancy", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="allocation")

    class Meta:
        ordering = ["meeting_deadline"]
        constraints = [
            # One dwelling, one allocation in progress: the database refuses a second.
            models.UniqueConstraint(
                fields=["dwelling"], condition=models.Q(moved_in_on__isnull=True),
                name="one_open_allocation_per_dwelling",
            ),
            models.CheckConstraint(
                condition=models.Q(meeting_deadline__gte=models.F("allocated_on")),
                name="meeting_deadline_not_before_allocation",
            ),
        ]
        # The dashboard's twelve-month figures read a year of one municipality.
        indexes = [
            models.Index(fields=["municipality", "allocated_on"], name="allocation_muni_day"),
            models.Index(fields=["municipality", "moved_in_on"], name="allocation_muni_moved_in"),
        ]


class JointMeeting(models.Model):
    """The meeting of housing, follow-up and NAV that hands out the move-in tasks (P4)."""

    allocation = models.OneToOneField(Allocation, on_delete=models.CASCADE,
                                      related_name="meeting")
    scheduled_on = models.DateField(_("scheduled"), null=True, blank=True)
    held_on = models.DateField(_("held"), null=True, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                       related_name="+", verbose_name=_("attended"))
    note = models.TextField(_("note"), blank=True)


TASK_UNIT_CHOICES = [
    ("housing", _("Housing service")), ("followup", _("Follow-up unit")), ("nav", _("NAV")),
    ("caretaker", _("Caretaker service")),
]


class TaskTemplate(MunicipalityScopedModel):
    """A task the joint meeting hands out; each municipality edits its own list."""

    title = models.CharField(_("task"), max_length=200)
    unit_kind = models.CharField(_("responsible unit"), max_length=20,
                                 choices=TASK_UNIT_CHOICES)
    due_business_days = models.PositiveSmallIntegerField(
        _("due (business days after the meeting)"), default=2)
    blocks_move_in = models.BooleanField(_("must be done before move-in"), default=True)
    is_preparation = models.BooleanField(_("caretaker prepares the dwelling"), default=False)
    purpose = models.CharField(_("why"), max_length=300, blank=True,
                               help_text=_("Shown in the morning meeting beside the task."))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class MoveInTask(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("responsible unit"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="move_in_tasks",
                                    verbose_name=_("responsible person"))
    due_on = models.DateField(_("due"))
    blocks_move_in = models.BooleanField(_("must be done before move-in"), default=True)
    purpose = models.CharField(_("why"), max_length=300, blank=True)
    work_order = models.OneToOneField("housing.WorkOrder", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="move_in_task")
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
