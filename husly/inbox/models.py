"""The inbox (ADR 0030): what other units wait on from a staff member or their unit.

The items themselves are the workflows' own rows (a statement asked for, a meeting not held,
a task not done); the inbox keeps only who in a unit has taken an item that belongs to the
whole unit, so the others see it is handled."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class ItemKind(models.TextChoices):
    STATEMENT = "statement", _("Statement asked for")
    JOINT_MEETING = "joint_meeting", _("Joint meeting after an allocation")
    MOVE_IN_TASK = "move_in_task", _("Move-in task")
    COORDINATION_MEETING = "coordination_meeting", _("Coordination meeting")
    COORDINATION_TASK = "coordination_task", _("Task from a coordination meeting")
    WORK_ORDER = "work_order", _("Work order")
    PLAN_REVIEW = "plan_review", _("Plan to review with the resident")
    WEEKLY_REVIEW = "weekly_review", _("Weekly review on the team board")
    CONSENT_EXPIRING = "consent_expiring", _("Consent about to expire")
    BREAK_GLASS_REVIEW = "break_glass_review", _("Emergency access to review")
    DECISION_DUE = "decision_due", _("Decision or preliminary reply due")
    OFFER_ANSWER = "offer_answer", _("Offer waiting for an answer")
    RENT_ARREARS = "rent_arrears", _("Rent arrears reported")


class InboxClaim(MunicipalityScopedModel):
    """Someone in `unit` has taken the unit's item `kind`/`object_id`."""

    kind = models.CharField(_("kind"), max_length=30, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="inbox_claims", verbose_name=_("taken by"))
    taken_at = models.DateTimeField(_("taken"))

    class Meta:
        verbose_name = _("taken inbox item")
        constraints = [
            # One holder per unit: two colleagues taking the same item cannot both win.
            models.UniqueConstraint(fields=["kind", "object_id", "unit"],
                                    name="inbox_claim_once_per_unit"),
        ]
        indexes = [models.Index(fields=["municipality", "kind"])]
