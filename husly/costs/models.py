"""Cost sharing (P22): a position funded by several units (the NAV counsellor and the
caretaker of the Housing First team shared 50/50), per budget year. Written only by
`husly.costs.services`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class FundedPosition(MunicipalityScopedModel):
    """One position in one budget year, with its size and its yearly cost."""

    year = models.PositiveSmallIntegerField(_("budget year"))
    title = models.CharField(_("position"), max_length=200)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("holder"))
    fte_percent = models.PositiveSmallIntegerField(_("size of the position (%)"))
    annual_cost = models.DecimalField(_("annual cost (kr)"), max_digits=12, decimal_places=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["year", "title", "pk"]
        verbose_name = _("funded position")
        verbose_name_plural = _("funded positions")
        indexes = [models.Index(fields=["municipality", "year"], name="costs_position_year")]
        constraints = [
            models.CheckConstraint(condition=Q(fte_percent__gte=1, fte_percent__lte=100),
                                   name="costs_position_fte_1_100"),
            models.CheckConstraint(condition=Q(annual_cost__gte=0),
                                   name="costs_position_cost_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100),
                                   name="costs_position_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class FundingShare(MunicipalityScopedModel):
    """The part of a position one unit pays; the shares of a position add up to 100 %."""

    position = models.ForeignKey(FundedPosition, on_delete=models.CASCADE,
                                 related_name="shares", verbose_name=_("position"))
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    percent = models.PositiveSmallIntegerField(_("share (%)"))

    class Meta:
        ordering = ["position", "-percent", "unit__name"]
        verbose_name = _("funding share")
        verbose_name_plural = _("funding shares")
        constraints = [
            models.UniqueConstraint(fields=["position", "unit"], name="costs_share_unit_once"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100),
                                   name="costs_share_percent_1_100"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.percent} %"
