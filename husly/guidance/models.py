"""Method guidance (P21): short texts on the Housing First principles and the municipality's
own routines, shown on the method page and where the work is done, and a first-day
checklist that each new or temporary worker ticks for themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class Place(models.TextChoices):
    """Where a text is shown. Everything is also on the method page."""

    PRINCIPLES = "principles", _("The Housing First principles")
    AGREEMENT = "agreement", _("The follow-up agreement")
    RED_BOARD = "red_board", _("The red board")
    VISIT = "visit", _("Recording a weekly visit")
    ALLOCATION = "allocation", _("The joint meeting after allocation")
    ROUTINE = "routine", _("The municipality's routines (method page only)")

    @classmethod
    def in_context(cls) -> list[str]:
        """The places inside the workflows, in the order the method page lists them."""
        return [cls.AGREEMENT, cls.VISIT, cls.RED_BOARD, cls.ALLOCATION]


class GuidanceText(MunicipalityScopedModel):
    """One short text. Plain text: paragraphs are split on blank lines when shown, no HTML."""

    key = models.SlugField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    place = models.CharField(_("shown"), max_length=20, choices=Place.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        ordering = ["place", "order", "id"]
        verbose_name = _("guidance text")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"],
                                    name="one_guidance_text_per_key"),
            models.CheckConstraint(condition=models.Q(place__in=Place.values),
                                   name="guidance_text_place_known"),
        ]
        indexes = [models.Index(fields=["municipality", "place", "order"],
                                name="guidance_text_muni_place")]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(MunicipalityScopedModel):
    """One point on the first-day checklist. Retired points stay (ticks refer to them)."""

    # The default's key, so seeding is idempotent; blank for points the leader added.
    key = models.SlugField(_("key"), max_length=80, blank=True)
    text = models.CharField(_("text"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("checklist item")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"],
                                    condition=~models.Q(key=""),
                                    name="one_checklist_item_per_key"),
        ]

    def __str__(self) -> str:
        return self.text


class ChecklistTick(MunicipalityScopedModel):
    """A staff member has done one point of their first-day checklist."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="checklist_ticks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    ticked_at = models.DateTimeField(_("done"))

    class Meta:
        ordering = ["ticked_at", "id"]
        verbose_name = _("checklist tick")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="one_tick_per_user_and_item"),
        ]
