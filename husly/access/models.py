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
