"""Residents (the people Husly serves), their open cases and category-tagged notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.identifiers import national_id_compact, national_id_masked
from husly.common.models import Category, MunicipalityScopedModel


class ProtectedAddress(models.TextChoices):
    NONE = "none", _("None")
    CONFIDENTIAL = "fortrolig", _("Confidential (fortrolig)")
    STRICTLY_CONFIDENTIAL = "strengt_fortrolig", _("Strictly confidential (strengt fortrolig)")


class Background(models.TextChoices):
    PARENTAL_HOME = "parental_home", _("Parental home")
    CHILD_WELFARE = "child_welfare", _("Child welfare (barnevernet)")
    INSTITUTION = "institution", _("Institution")
    PRISON = "prison", _("Prison")
    SHELTER = "shelter", _("Shelter or temporary housing")
    STREET = "street", _("Street")
    OTHER = "other", _("Other")


class HousingSituation(models.TextChoices):
    """The national homelessness count's categories, plus the housed situations."""

    FRIENDS_FAMILY = "friends_family", _("Temporary stay with friends, family or acquaintances")
    SHELTER_TEMPORARY = "shelter_temporary", _("Shelter or temporary housing")
    INSTITUTION_RELEASE = "institution_release", _(
        "Institution, discharged within two months with no home"
    )
    PRISON_RELEASE = "prison_release", _("Prison, released within two months with no home")
    STREET = "street", _("Sleeping outside, no place to stay")
    OTHER_HOMELESS = "other_homeless", _("Other, without a home")
    MUNICIPAL_TENANCY = "municipal_tenancy", _("Renting a municipal dwelling")
    OWN_HOME = "own_home", _("Own or privately rented home")

    @classmethod
    def homeless(cls) -> set[str]:
        return {
            cls.FRIENDS_FAMILY, cls.SHELTER_TEMPORARY, cls.INSTITUTION_RELEASE,
            cls.PRISON_RELEASE, cls.STREET, cls.OTHER_HOMELESS,
        }


class ResidentQuerySet(models.QuerySet):
    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        digits = national_id_compact(text)
        if digits.isdigit() and len(digits) in (6, 11):
            return self.filter(national_id__startswith=digits)
        query = models.Q()
        for word in text.split():
            query &= models.Q(given_name__icontains=word) | models.Q(family_name__icontains=word)
        return self.filter(query)


class Resident(MunicipalityScopedModel):
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    national_id = models.CharField(
        _("fødselsnummer or D-nummer"), max_length=11, blank=True, default="",
        help_text=_("11 digits. Leave empty if the person has none."),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    guardian_name = models.CharField(_("guardian (verge)"), max_length=150, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=20, blank=True)
    guardian_scope = models.CharField(_("guardian's mandate"), max_length=300, blank=True)
    protected_address = models.CharField(
        _("protected address"), max_length=20, choices=ProtectedAddress.choices,
        default=ProtectedAddress.NONE,
    )
    background = models.CharField(
        _("background"), max_length=20, choices=Background.choices, blank=True,
        help_text=_("Where the person comes from: the referral source."),
    )
    housing_situation = models.CharField(
        _("current housing situation"), max_length=30, choices=HousingSituation.choices,
    )
    housing_situation_since = models.DateField(_("in this situation since"))
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="residents", verbose_name=_("team"),
    )
    primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="primary_residents", verbose_name=_("primary contact"),
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # Retention (docs/decisions/0015): an anonymised resident keeps only what statistics need;
    # one with records archive rules require kept is marked and never anonymised or deleted.
    anonymised_on = models.DateField(_("anonymised"), null=True, blank=True)
    preserved_for_archive_on = models.DateField(_("marked to be kept for the archive"),
                                                null=True, blank=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id"],
                condition=~models.Q(national_id=""),
                name="resident_national_id_unique_in_municipality",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def national_id_masked(self) -> str:
        return national_id_masked(self.national_id)

    @property
    def has_protected_address(self) -> bool:
        return self.protected_address != ProtectedAddress.NONE

    @property
    def is_homeless(self) -> bool:
        return self.housing_situation in HousingSituation.homeless()


class CaseKind(models.TextChoices):
    HOUSING = "housing", _("Housing case")
    FOLLOWUP = "followup", _("Follow-up")
    NAV = "nav", _("NAV case")
    RESETTLEMENT = "resettlement", _("Re-settlement")


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Case(MunicipalityScopedModel):
    """An open case gives the assigned staff member a work relation to the resident."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = _("case")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            )
        ]


class ResidentNote(MunicipalityScopedModel):
    """A journal note in one category; each unit writes in its own category."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="notes")
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written"))

    class Meta:
        ordering = ["-written_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
