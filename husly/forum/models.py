"""The housing-social forum (bustadsosialt forum, P18): recurring meetings between the
follow-up service and the property department, with an agenda, minutes and decisions.

The generated part of the agenda (vacant dwellings, damage, tenancies at risk, planned moves
and lease ends) is computed when the page is shown (`forum.selectors.agenda_generated`) and
frozen in `ForumMeeting.agenda_snapshot` when the meeting is marked held: ids and short texts
about dwellings, never names, reasons or health information (docs/decisions/0019).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class ForumMeeting(MunicipalityScopedModel):
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=150)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("chair"))
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                       related_name="forum_meetings",
                                       verbose_name=_("attended"))
    notes = models.TextField(_("other notes"), blank=True)
    # The meeting this one was planned from ("the next meeting"): at most one follows each.
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="next_meeting")
    held_at = models.DateTimeField(_("marked held"), null=True, blank=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    agenda_snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("forum meeting")
        verbose_name_plural = _("forum meetings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "starts_at"],
                                    name="one_forum_meeting_per_time"),
            models.CheckConstraint(
                condition=models.Q(status="planned", held_at__isnull=True)
                | models.Q(status="held", held_at__isnull=False),
                name="forum_meeting_held_has_time"),
            models.CheckConstraint(condition=~models.Q(place=""),
                                   name="forum_meeting_has_place"),
        ]
        indexes = [models.Index(fields=["municipality", "status", "starts_at"],
                                name="forum_meeting_muni_status")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.place}"

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD


class AgendaItem(MunicipalityScopedModel):
    """A free item on the agenda, added by a participant before the meeting."""

    meeting = models.ForeignKey(ForumMeeting, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(_("agenda item"), max_length=200)
    text = models.TextField(_("details"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("agenda item")
        constraints = [models.CheckConstraint(condition=~models.Q(title=""),
                                              name="forum_item_has_title")]


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Not done")
    DONE = "done", _("Done")


class Decision(MunicipalityScopedModel):
    """What the forum decided, and who follows it up (the owner: always one person)."""

    meeting = models.ForeignKey(ForumMeeting, on_delete=models.PROTECT,
                                related_name="decisions")
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="forum_decisions", verbose_name=_("responsible"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus.choices,
                              default=DecisionStatus.OPEN)
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    # The later meeting at which it was marked done, if it was done there.
    followed_up_in = models.ForeignKey(ForumMeeting, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="followed_up_decisions")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("forum decision")
        verbose_name_plural = _("forum decisions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""),
                                   name="forum_decision_has_text"),
            models.CheckConstraint(
                condition=models.Q(status="open", done_on__isnull=True)
                | models.Q(status="done", done_on__isnull=False),
                name="forum_decision_done_has_date"),
        ]
        indexes = [models.Index(fields=["municipality", "status"],
                                name="forum_decision_muni_status")]

    @property
    def is_done(self) -> bool:
        return self.status == DecisionStatus.DONE
