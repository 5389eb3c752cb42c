"""What happened, kept so that outcomes are computed, never typed in: spells without a home
(the by-name list) and re-settlement after a tenancy that failed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class EpisodeStart(models.TextChoices):
    NEWLY_IDENTIFIED = "newly_identified", _("Newly identified")
    RETURNED_FROM_HOUSING = "returned_from_housing", _("Returned from housing")
    RETURNED_FROM_INACTIVE = "returned_from_inactive", _("Returned from inactive")


class EpisodeEnd(models.TextChoices):
    HOUSED = "housed", _("Housed")
    INACTIVE = "inactive", _("Inactive (no contact)")
    NO_LONGER_HOMELESS = "no_longer_homeless", _("No longer without a home")


class HomelessEpisode(MunicipalityScopedModel):
    """One spell without a home. The open ones are the by-name list."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="homeless_episodes", verbose_name=_("resident"))
    started_on = models.DateField(_("without a home since"))
    start_kind = models.CharField(_("how they came on the list"), max_length=30,
                                  choices=EpisodeStart.choices)
    ended_on = models.DateField(_("left the list"), null=True, blank=True)
    end_kind = models.CharField(_("how they left the list"), max_length=30,
                                choices=EpisodeEnd.choices, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("spell without a home")
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=models.Q(ended_on__isnull=True),
                                    name="one_open_homeless_episode_per_resident"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(ended_on__gte=models.F("started_on")),
                                   name="homeless_episode_ends_after_start"),
        ]
        indexes = [models.Index(fields=["municipality", "ended_on"]),
                   models.Index(fields=["municipality", "started_on"])]


class Resettlement(MunicipalityScopedModel):
    """Re-bosetting: what went wrong in a tenancy that ended unplanned, and what to do
    differently. Shown at the next application and allocation; never a lock-out."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="resettlements", verbose_name=_("resident"))
    tenancy = models.ForeignKey("housing.Tenancy", on_delete=models.PROTECT,
                                related_name="resettlements", verbose_name=_("tenancy"))
    case = models.ForeignKey("people.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    what_went_wrong = models.TextField(_("what went wrong"), blank=True)
    do_differently = models.TextField(_("what to do differently next time"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_on = models.DateField(_("recorded"))

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("re-settlement")
        constraints = [
            models.UniqueConstraint(fields=["tenancy", "resident"],
                                    name="one_resettlement_per_tenancy_and_resident"),
        ]


class SituationSpell(MunicipalityScopedModel):
    """How long a person lived in one housing situation (shelter, friends, a municipal
    tenancy …). The resident keeps only the situation now; the spells keep the history that
    annual figures such as "households in temporary housing during the year" are counted
    from. Written only by `outcomes.services` (`homelessness_situation_changed`, and
    `situation_history_tenancy` for a tenancy at its own dates)."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="situation_spells", verbose_name=_("resident"))
    situation = models.CharField(_("housing situation"), max_length=30)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("period in one housing situation")
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=models.Q(ended_on__isnull=True),
                                    name="one_open_situation_spell_per_resident"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(ended_on__gte=models.F("started_on")),
                                   name="situation_spell_ends_after_start"),
        ]
        indexes = [models.Index(fields=["municipality", "situation", "started_on"],
                                name="situation_spell_muni_kind")]


class Population(MunicipalityScopedModel):
    """The municipality's number of inhabitants on 1 January of a year (SSB's figure),
    entered by hand: the per-1,000-inhabitants figures divide by it."""

    year = models.PositiveSmallIntegerField(_("year"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("number of inhabitants")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"],
                                    name="one_population_per_municipality_year"),
            models.CheckConstraint(condition=models.Q(inhabitants__gte=1),
                                   name="population_at_least_one"),
        ]
