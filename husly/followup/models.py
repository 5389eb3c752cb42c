"""Keeping the home: the follow-up agreement with its weekly visit, the visit log, and the
coordination meeting when health care is declined (P5, P6, P7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category, MunicipalityScopedModel


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class FollowUpAgreement(MunicipalityScopedModel):
    """Oppfølgingsavtale. The weekly visit is part of the agreement and cannot be declined
    while it runs; health care is accepted or declined separately, and may change."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="agreements", verbose_name=_("resident"))
    tenancy = models.ForeignKey("housing.Tenancy", on_delete=models.PROTECT,
                                related_name="agreements", verbose_name=_("tenancy"))
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="agreements",
                             verbose_name=_("team"))
    primary_contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("primary contact"))
    visit_weekday = models.PositiveSmallIntegerField(_("visit day"), choices=Weekday.choices,
                                                     default=Weekday.TUESDAY)
    start_date = models.DateField(_("start"))
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    end_date = models.DateField(_("ended"), null=True, blank=True)
    health_care_accepted = models.BooleanField(_("health care accepted"), default=True)
    health_care_changed_on = models.DateField(_("health care changed"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("follow-up agreement")
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=models.Q(end_date__isnull=True),
                                    name="one_running_agreement_per_resident"),
            models.CheckConstraint(condition=models.Q(end_date__isnull=True)
                                   | models.Q(end_date__gte=models.F("start_date")),
                                   name="agreement_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} ({self.start_date})"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    NOT_HOME = "not_home", _("Not at home")
    REFUSED_ENTRY = "refused_entry", _("Refused entry")
    CANCELLED = "cancelled", _("Cancelled by the service")


class Visit(MunicipalityScopedModel):
    """One week's visit under an agreement. The checklist is what staff watch for (P7)."""

    agreement = models.ForeignKey(FollowUpAgreement, on_delete=models.PROTECT,
                                  related_name="visits")
    week_start = models.DateField(_("week"))
    planned_on = models.DateField(_("planned"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="visits", verbose_name=_("assigned to"))
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices,
                              default=VisitStatus.PLANNED)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      verbose_name=_("who went"))
    damage = models.BooleanField(_("damage to the dwelling"), default=False)
    dangerous_objects_removed = models.BooleanField(_("dangerous objects found and removed"),
                                                    default=False)
    hygiene_concern = models.BooleanField(_("hygiene concern"), default=False)
    fire_safety_concern = models.BooleanField(_("fire safety concern"), default=False)
    neighbour_complaint = models.BooleanField(_("neighbour complaint"), default=False)
    actions = models.TextField(_("actions taken"), blank=True)
    # Why this visit, written by staff before it and shown in the morning meeting.
    focus = models.CharField(_("focus of the visit"), max_length=300, blank=True)
    note = models.OneToOneField("people.ResidentNote", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="visit")

    class Meta:
        ordering = ["planned_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "week_start"],
                                    name="one_visit_per_agreement_week"),
        ]
        indexes = [models.Index(fields=["assigned_to", "planned_on"]),
                   # The board and the day views ask for one day's visits of a team.
                   models.Index(fields=["planned_on", "agreement"], name="visit_day_agreement")]

    CHECKLIST = ("damage", "dangerous_objects_removed", "hygiene_concern",
                 "fire_safety_concern", "neighbour_complaint")


class CoordinationMeeting(MunicipalityScopedModel):
    """Opened when health care is declined or ended (P6): housing, follow-up and NAV ask
    "what is needed now?" and "what next?"."""

    agreement = models.ForeignKey(FollowUpAgreement, on_delete=models.PROTECT,
                                  related_name="coordination_meetings")
    opened_on = models.DateField(_("opened"))
    due_on = models.DateField(_("due"))
    held_on = models.DateField(_("held"), null=True, blank=True)
    needed_now = models.TextField(_("What is needed now?"), blank=True)
    next_steps = models.TextField(_("What next?"), blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["agreement"], condition=models.Q(held_on__isnull=True),
                                    name="one_open_coordination_meeting_per_agreement"),
        ]


class CoordinationTask(models.Model):
    meeting = models.ForeignKey(CoordinationMeeting, on_delete=models.CASCADE,
                                related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("responsible unit"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("responsible person"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


NOTE_CATEGORIES = [(Category.FOLLOWUP, Category.FOLLOWUP.label),
                   (Category.HEALTH, Category.HEALTH.label)]


class FollowUpSettings(models.Model):
    municipality = models.OneToOneField("common.Municipality", on_delete=models.CASCADE,
                                        related_name="followup_settings")
    coordination_business_days = models.PositiveSmallIntegerField(
        _("business days to the coordination meeting"), default=3)
    weeks_planned_ahead = models.PositiveSmallIntegerField(_("weeks of visits planned ahead"),
                                                           default=8)


class PlanKind(models.TextChoices):
    USER_CONTRACT = "user_contract", _("User contract (brukerkontrakt)")
    SAFETY = "safety", _("Safety plan (trygghetsplan)")
    CRISIS = "crisis", _("Crisis plan (kriseplan)")


# The questions each plan asks, answered in the resident's own words (P15).
PLAN_PROMPTS = {
    PlanKind.USER_CONTRACT: [
        ("wants_help_with", _("What do you want help with?")),
        ("goals", _("What are your goals?")),
        ("service_does", _("What will the service do?")),
        ("you_do", _("What will you do yourself?")),
    ],
    PlanKind.SAFETY: [
        ("feels_safe", _("What makes you feel safe at home?")),
        ("when_intoxicated", _("What do you want help with when you are intoxicated?")),
        ("who_to_call", _("Who may we contact, and when?")),
    ],
    PlanKind.CRISIS: [
        ("warning_signs", _("What are the signs that things are going badly?")),
        ("what_helps", _("What helps then?")),
        ("crisis_contacts", _("Who should be contacted in a crisis?")),
        ("do_not", _("What do you not want us to do?")),
    ],
}


class PlanVersion(MunicipalityScopedModel):
    """One saved version of a plan. Versions are never changed: a change is a new version."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="plan_versions")
    kind = models.CharField(_("plan"), max_length=20, choices=PlanKind.choices)
    number = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(default=dict)
    review_on = models.DateField(_("review by"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(_("saved"))

    class Meta:
        ordering = ["resident", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "kind", "number"],
                                    name="plan_version_number_unique"),
        ]


class CalendarFeed(models.Model):
    """A staff member's personal calendar feed: a secret URL, revocable at any time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(revoked_at__isnull=True),
                                    name="one_active_calendar_feed_per_user"),
        ]
