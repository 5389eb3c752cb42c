"""The team's yearly Housing First fidelity self-assessment: the items (the municipality's
own copy of the Pathways Housing First domains and items), the assessments and their scores.
No person data: the team scores how it works."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class FidelityDomain(MunicipalityScopedModel):
    """One of the five Pathways Housing First domains, in the municipality's written language."""

    key = models.CharField(max_length=30)  # the default domain it was seeded from
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("fidelity domain")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"],
                                    name="fidelity_domain_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FidelityItem(MunicipalityScopedModel):
    """One item the team scores. Edited by the leader; retired (inactive), never deleted, so
    earlier assessments keep pointing at it."""

    domain = models.ForeignKey(FidelityDomain, on_delete=models.PROTECT, related_name="items",
                               verbose_name=_("domain"))
    text = models.CharField(_("text"), max_length=400)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=4)

    class Meta:
        ordering = ["domain__order", "order", "id"]
        verbose_name = _("fidelity item")
        constraints = [
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")),
                                   name="fidelity_item_scale_ordered"),
        ]

    def __str__(self) -> str:
        return self.text


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class FidelityAssessment(MunicipalityScopedModel):
    """One team's self-assessment for one year."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT,
                             related_name="fidelity_assessments", verbose_name=_("team"))
    year = models.PositiveSmallIntegerField(_("year"))
    assessed_on = models.DateField(_("assessed on"))
    status = models.CharField(_("status"), max_length=20, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("completed by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "team__name", "id"]
        verbose_name = _("fidelity assessment")
        constraints = [
            models.UniqueConstraint(fields=["team", "year"],
                                    name="one_fidelity_assessment_per_team_year"),
            models.CheckConstraint(condition=models.Q(status="draft")
                                   | models.Q(completed_at__isnull=False),
                                   name="fidelity_assessment_completed_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.year}"

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED


class FidelityScore(MunicipalityScopedModel):
    """The score of one item in one assessment, with the team's comment. The item's text is
    kept as it read when scored: an item edited later does not rewrite earlier years."""

    assessment = models.ForeignKey(FidelityAssessment, on_delete=models.CASCADE,
                                   related_name="scores")
    item = models.ForeignKey(FidelityItem, on_delete=models.PROTECT, related_name="scores")
    item_text = models.CharField(_("item"), max_length=400)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["item__domain__order", "item__order", "item_id"]
        verbose_name = _("fidelity score")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"],
                                    name="one_fidelity_score_per_item"),
        ]
