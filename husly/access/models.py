"""Consent, break-the-glass and the access log: the records the access rules read and write."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class AccessBasis(models.TextChoices):
    PRIMARY_CONTACT = "primary_contact", _("Primary contact")
    TEAM = "team", _("Member of the team that follows the resident")
    CASE = "case", _("Assigned to an open case")
    BREAK_GLASS = "break_glass", _("Emergency access (break the glass)")
    # Another system of the municipality with an integration token (ADR 0027).
    INTEGRATION = "integration", _("Integration with another system (API token)")
    # Hand-offs between units (ADR 0030): the workflow that hands the information over
    # records the basis on which the receiving unit reads it.
    STATEMENT_REQUEST = "statement_request", _("Asked by the housing service for a statement")
    STATEMENT_RECIPIENT = "statement_recipient", _("Statement to the housing service")
    MEETING_PARTICIPANT = "meeting_participant", _("Participant in the coordination meeting")
    JOINT_MEETING = "joint_meeting", _("Participant in the joint meeting after allocation")


class AccessLogEntry(MunicipalityScopedModel):
    """One read of a resident's information. Append-only; the resident may ask for it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("who"))
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="access_log",
        verbose_name=_("resident"),
    )
    accessed_at = models.DateTimeField(_("when"), db_index=True)
    categories = models.CharField(_("categories"), max_length=60,
                                  help_text="Comma-separated category codes.")
    basis = models.CharField(_("basis"), max_length=20, choices=AccessBasis.choices)
    view = models.CharField(_("page"), max_length=80)
    # The unit the reader worked in at the time: the resident's letter names it, and a
    # later move to another unit must not rewrite history.
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["resident", "accessed_at"]),
                   models.Index(fields=["municipality", "accessed_at"])]

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class ListKind(models.TextChoices):
    """The pages and exports that show names of residents, as the resident's access log
    names them ("seen in <the list>"). A list that logs is named here; `list_read_record`
    refuses any other, so a new list cannot log under a name the letter cannot say."""

    RESIDENT_LIST = "resident_list", _("the resident list and search")
    TEAM_BOARD = "team_board", _("the team board")
    RED_BOARD_HISTORY = "red_board_history", _("the red board's history")
    BY_NAME_LIST = "by_name_list", _("the by-name list of people without a home")
    BY_NAME_EXPORT = "by_name_export", _("the by-name list, downloaded")
    FLOW_PEOPLE = "flow_people", _("the people behind the inflow and outflow")
    FLOW_PEOPLE_EXPORT = "flow_people_export", _(
        "the people behind the inflow and outflow, downloaded")
    FIGURE_PEOPLE = "figure_people", _("the people behind an outcome figure")
    FIGURE_PEOPLE_EXPORT = "figure_people_export", _(
        "the people behind an outcome figure, downloaded")
    AT_RISK = "at_risk", _("the list of tenancies at risk")
    WITHOUT_AGREEMENT = "without_agreement", _("the list of residents without an agreement")
    MY_WEEK = "my_week", _("the week's visits and tasks")
    CALENDAR_FEED = "calendar_feed", _("the personal calendar feed")
    ALLOCATION_OVERVIEW = "allocation_overview", _("the allocation overview")
    MY_TASKS = "my_tasks", _("the list of move-in tasks")
    INBOX = "inbox", _("the inbox")
    ACCESS_REVIEW = "access_review", _("the leader's access review")
    DWELLINGS = "dwellings", _("the dwelling register")
    LANDLORDS = "landlords", _("the landlord register")
    WORK_ORDERS = "work_orders", _("the work orders")
    FORUM = "forum", _("the housing forum's agenda")
    FINANCING_LIST = "financing_list", _("the financing list")
    FINANCING_EXPORT = "financing_export", _("the financing list, downloaded")
    CHOOSER = "chooser", _("a list to choose a resident from")
    API_APPLICATIONS = "api_applications", _("the open applications, through the API")
    API_VISITS = "api_visits", _("the visits, through the API")
    API_WORK_ORDERS = "api_work_orders", _("the work orders, through the API")
    API_FINANCING = "api_financing", _("the financing list, through the API")


class AccessListRead(MunicipalityScopedModel):
    """One page or export that showed the names of residents (a list, the board, an export):
    who saw it, when, and which list. The residents shown are its `AccessListReadResident`
    rows, so "who saw this person, in which list, when" is one indexed query (Normen).
    Append-only, like the access log."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("who"))
    read_at = models.DateTimeField(_("when"), db_index=True)
    view = models.CharField(_("list"), max_length=80)
    # As in the access log: the unit at the time, which a later move must not rewrite.
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("unit"))
    residents = models.ManyToManyField("people.Resident", through="AccessListReadResident",
                                       related_name="+")

    class Meta:
        verbose_name = _("list read")
        verbose_name_plural = _("list reads")
        ordering = ["-read_at", "-id"]
        indexes = [models.Index(fields=["municipality", "read_at"])]

    @property
    def list_label(self) -> str:
        return str(ListKind(self.view).label) if self.view in ListKind.values else self.view


class AccessListReadResident(MunicipalityScopedModel):
    """One resident whose name a list read showed. A row of its own rather than an array on
    the list read: "who saw resident X" must be an index lookup on SQLite and PostgreSQL
    alike, and the municipality is on it so it partitions with the resident's other rows."""

    list_read = models.ForeignKey(AccessListRead, on_delete=models.PROTECT,
                                  related_name="rows")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="list_reads", verbose_name=_("resident"))

    class Meta:
        verbose_name = _("resident in a list read")
        verbose_name_plural = _("residents in list reads")
        constraints = [models.UniqueConstraint(fields=["list_read", "resident"],
                                               name="list_read_resident_once")]


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    VERBAL = "verbal", _("Verbal")


class ConsentScope(models.TextChoices):
    # A consent to share categories lets the receiving units read them wherever they appear;
    # a consent to a statement lets them read that one statement and nothing else (ADR 0030).
    CATEGORIES = "categories", _("The categories, wherever they are recorded")
    STATEMENT = "statement", _("Only the statement for a housing application")


class Consent(MunicipalityScopedModel):
    """The resident's consent to share categories from some units with others."""

    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="consents"
    )
    from_units = models.ManyToManyField("accounts.Unit", related_name="+")
    to_units = models.ManyToManyField("accounts.Unit", related_name="+")
    categories = models.JSONField(default=list)
    purpose = models.CharField(_("purpose"), max_length=300)
    scope = models.CharField(_("scope"), max_length=20, choices=ConsentScope.choices,
                             default=ConsentScope.CATEGORIES)
    given_on = models.DateField(_("given"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    form = models.CharField(_("form"), max_length=10, choices=ConsentForm.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    attachment = models.FileField(_("signed form"), upload_to="samtykke/%Y/", blank=True)
    attachment_content_type = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
            )
        ]

    def is_in_force(self, on) -> bool:
        return (
            self.given_on <= on
            and (self.expires_on is None or self.expires_on >= on)
            and (self.withdrawn_on is None or self.withdrawn_on > on)
        )


class BreakGlassReason(models.TextChoices):
    DANGER = "danger", _("Danger to life or health")
    CRISIS = "crisis", _("The resident is in crisis and their contacts cannot be reached")
    ON_CALL = "on_call", _("On call outside working hours")
    EVICTION = "eviction", _("Imminent loss of the home")
    OTHER = "other", _("Other (explain below)")


class BreakGlassOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted: the access was needed")
    FOLLOWED_UP = "followed_up", _("Followed up with the staff member")


class BreakGlass(MunicipalityScopedModel):
    """Time-limited access without a work relation, with a stated reason, for leader review."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.CharField(_("reason"), max_length=40, choices=BreakGlassReason.choices)
    explanation = models.TextField(_("explanation"))
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(_("outcome"), max_length=20,
                                      choices=BreakGlassOutcome.choices, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-started_at"]


class RetentionSettings(models.Model):
    """How long the information of an ended case is kept before it is anonymised."""

    municipality = models.OneToOneField("common.Municipality", on_delete=models.CASCADE,
                                        related_name="retention_settings")
    years_after_end = models.PositiveSmallIntegerField(
        _("years after the last case ended"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Residents whose cases all ended longer ago than this, with no tenancy or "
                    "agreement running, are anonymised. Records archive rules require kept are "
                    "marked to be kept instead."),
    )


class IntegrationScope(models.TextChoices):
    """The named operations a token may be given. Each integration endpoint needs one."""

    RENT_ARREARS_REPORT = "rent_arrears.report", _("Report rent arrears")
    VACANT_DWELLINGS_READ = "dwellings.vacant.read", _("Read vacant dwellings")
