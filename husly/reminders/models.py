"""The daily reminder mail: the kinds of deadline it reminds of, and a record of each mail
sent, so that a second run on the same day sends nothing twice (docs/decisions/0028)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class ReminderKind(models.TextChoices):
    """What a reminder is about: the kind of deadline only, never whose or why."""

    JOINT_MEETING = "joint_meeting", _("Joint meeting after an allocation")
    STATEMENT = "statement", _("Statement from the follow-up unit")
    PRELIMINARY_REPLY = "preliminary_reply", _(
        "Decision or preliminary reply (forvaltningsloven § 11a)")
    DECISION = "decision", _("Decision promised in a preliminary reply")
    PLAN_REVIEW = "plan_review", _("Review of a plan")
    MISSED_VISITS = "missed_visits", _("Weekly visits missed two weeks in a row or more")
    # For the team leader: a hand-off between units past its deadline (ADR 0030).
    ESCALATED = "escalated", _("A hand-off between units past its deadline")


class ReminderDispatch(MunicipalityScopedModel):
    """One staff member's reminder mail of one day from one municipality. The row is written
    before the mail goes out and removed again if sending fails."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("staff member"))
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"))
    due_soon = models.PositiveSmallIntegerField(_("deadlines due soon"))
    overdue = models.PositiveSmallIntegerField(_("overdue deadlines"))

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("reminder mail")
        verbose_name_plural = _("reminder mails")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "user", "day"],
                                    name="reminder_mail_once_per_person_and_day"),
        ]


class ReminderOptOut(models.Model):
    """A staff member who has turned the reminder mails off (their own choice, on
    /paminnelser/). Not per municipality: it is a preference of the person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="reminder_opt_out",
                                verbose_name=_("staff member"))
    since = models.DateTimeField(_("turned off"))

    class Meta:
        verbose_name = _("reminder mails turned off")
        verbose_name_plural = _("reminder mails turned off")
