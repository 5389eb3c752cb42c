"""The financing pathway (P17): startlån, etableringstilskudd and bostøtte from the housing
service, the deposit guarantee and financial help from NAV, each from application to decision
and appeal; and the home purchase that ends a tenancy as "bought own home"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category, MunicipalityScopedModel
from husly.financing import rules


class FinancingKind(models.TextChoices):
    STARTLAN = "startlan", _("Startlån (start-up loan)")
    ETABLERINGSTILSKUDD = "etableringstilskudd", _("Etableringstilskudd (grant)")
    BOSTOTTE = "bostotte", _("Bostøtte (housing allowance)")
    DEPOSIT_GUARANTEE = "deposit_guarantee", _("Deposit guarantee")
    FINANCIAL_HELP = "financial_help", _("Financial help (økonomisk stønad)")


# Who handles each kind, and so in which duty-of-confidentiality category it is recorded:
# startlån, etableringstilskudd and bostøtte by the municipality's housing service, the
# deposit guarantee and financial help by NAV.
KIND_CATEGORY: dict[str, str] = {
    FinancingKind.STARTLAN: Category.HOUSING,
    FinancingKind.ETABLERINGSTILSKUDD: Category.HOUSING,
    FinancingKind.BOSTOTTE: Category.HOUSING,
    FinancingKind.DEPOSIT_GUARANTEE: Category.NAV,
    FinancingKind.FINANCIAL_HELP: Category.NAV,
}
FINANCING_CATEGORIES = frozenset(KIND_CATEGORY.values())


class FinancingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    APPEALED = "appealed", _("Appealed")
    APPEAL_GRANTED = "appeal_granted", _("Appeal granted")
    APPEAL_REFUSED = "appeal_refused", _("Appeal refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def open(cls) -> list[str]:
        """Waiting for someone: to be sent, decided, or decided on appeal."""
        return [cls.DRAFT, cls.SUBMITTED, cls.APPEALED]

    @classmethod
    def decided(cls) -> list[str]:
        return [cls.GRANTED, cls.PARTLY_GRANTED, cls.REFUSED, cls.APPEALED, cls.APPEAL_GRANTED,
                cls.APPEAL_REFUSED]

    @classmethod
    def appealed(cls) -> list[str]:
        return [cls.APPEALED, cls.APPEAL_GRANTED, cls.APPEAL_REFUSED]


# A decision that grants something and stands (a partial grant stands when its appeal is
# refused).
GRANTED_STATES = ("granted", "partly_granted", "appeal_granted", "appeal_refused")


class FinancingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=FinancingStatus.open())

    def granted(self):
        """Something was granted and stands: a grant, a partial grant (also when its appeal
        was refused) or a granted appeal."""
        return self.filter(amount_granted__gt=0, status__in=GRANTED_STATES)


def _category_matches_kind() -> Q:
    housing = [k for k, c in KIND_CATEGORY.items() if c == Category.HOUSING]
    nav = [k for k, c in KIND_CATEGORY.items() if c == Category.NAV]
    return (Q(kind__in=housing, category=Category.HOUSING)
            | Q(kind__in=nav, category=Category.NAV))


def _set_exactly_in(field: str, statuses) -> Q:
    """`field` has a value in these statuses and in no others."""
    statuses = list(statuses)
    return (Q(**{f"{field}__isnull": False}, status__in=statuses)
            | (Q(**{f"{field}__isnull": True}) & ~Q(status__in=statuses)))


class FinancingApplication(MunicipalityScopedModel):
    """One application for a loan, grant, allowance, guarantee or help, for a resident (and
    their household), with the decision and any appeal. Written only by
    `husly.financing.services`."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="financing_applications",
                                 verbose_name=_("resident"))
    household_members = models.ManyToManyField(
        "people.Resident", blank=True, related_name="financing_household_applications",
        verbose_name=_("household members"))
    kind = models.CharField(_("kind"), max_length=30, choices=FinancingKind.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    amount_applied = models.DecimalField(
        _("amount applied for (kr)"), max_digits=11, decimal_places=0, null=True, blank=True,
        help_text=_("For bostøtte, the monthly amount; leave empty if it is not known."))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    for_month = models.DateField(
        _("for the payment of"), null=True, blank=True,
        help_text=_("Bostøtte: the month whose payment the application counts for."))
    status = models.CharField(_("status"), max_length=20, choices=FinancingStatus.choices,
                              default=FinancingStatus.DRAFT)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    amount_granted = models.DecimalField(_("amount granted (kr)"), max_digits=11,
                                         decimal_places=0, null=True, blank=True)
    decision_notified_on = models.DateField(
        _("the decision reached the resident on"), null=True, blank=True,
        help_text=_("The appeal deadline counts from this date. Leave empty if it was the "
                    "decision date."))
    decision_note = models.TextField(_("about the decision"), blank=True)
    appeal_lodged_on = models.DateField(_("appeal lodged on"), null=True, blank=True)
    appeal_decided_on = models.DateField(_("appeal decided on"), null=True, blank=True)
    appeal_note = models.TextField(_("about the appeal decision"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("handled by"))
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = FinancingQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("financing application")
        verbose_name_plural = _("financing applications")
        constraints = [
            models.CheckConstraint(condition=_category_matches_kind(),
                                   name="financing_category_matches_kind"),
            models.CheckConstraint(
                condition=Q(amount_applied__gte=0)
                | Q(amount_applied__isnull=True, kind=FinancingKind.BOSTOTTE),
                name="financing_amount_applied_known_and_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(amount_granted__gte=0),
                name="financing_amount_granted_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(amount_applied__isnull=True)
                | Q(amount_granted__lte=models.F("amount_applied")),
                name="financing_granted_not_more_than_applied"),
            models.CheckConstraint(
                # A draft may be withdrawn before it was ever sent.
                condition=Q(status__in=[FinancingStatus.DRAFT, FinancingStatus.WITHDRAWN])
                | Q(applied_on__isnull=False),
                name="financing_applied_on_once_sent"),
            models.CheckConstraint(
                condition=Q(for_month__isnull=True) | Q(kind=FinancingKind.BOSTOTTE),
                name="financing_for_month_only_bostotte"),
            models.CheckConstraint(
                condition=_set_exactly_in("decided_on", FinancingStatus.decided()),
                name="financing_decided_on_with_decision"),
            models.CheckConstraint(
                condition=_set_exactly_in("appeal_lodged_on", FinancingStatus.appealed()),
                name="financing_appeal_lodged_on_with_appeal"),
            models.CheckConstraint(
                condition=_set_exactly_in("appeal_decided_on", [
                    FinancingStatus.APPEAL_GRANTED, FinancingStatus.APPEAL_REFUSED]),
                name="financing_appeal_decided_on_with_appeal_decision"),
            models.CheckConstraint(
                condition=~Q(status=FinancingStatus.PARTLY_GRANTED)
                | Q(amount_granted__gt=0, amount_granted__lt=models.F("amount_applied")),
                name="financing_partly_granted_between"),
            models.CheckConstraint(
                condition=_set_exactly_in("withdrawn_on", [FinancingStatus.WITHDRAWN]),
                name="financing_withdrawn_on_when_withdrawn"),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "kind"],
                         name="financing_caseload"),
            models.Index(fields=["resident", "kind"], name="financing_resident_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.resident}"

    @property
    def is_open(self) -> bool:
        return self.status in FinancingStatus.open()

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def appeal_deadline(self):
        """While a refusal or partial grant may still be appealed: the last day."""

        if self.status not in (FinancingStatus.REFUSED, FinancingStatus.PARTLY_GRANTED):
            return None
        return rules.appeal_deadline(self.decision_notified_on or self.decided_on)


class HomePurchase(MunicipalityScopedModel):
    """The resident bought their own home with a startlån: the tenancy they had ended as
    "bought own home" on the purchase date, and they live in their own home from then."""

    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="home_purchases", verbose_name=_("resident"))
    purchased_on = models.DateField(_("took over the home on"))
    loan = models.ForeignKey(FinancingApplication, on_delete=models.PROTECT,
                             related_name="home_purchases", verbose_name=_("startlån"))
    tenancy = models.OneToOneField("housing.Tenancy", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="home_purchase",
                                   verbose_name=_("tenancy ended"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        verbose_name = _("home purchase")
        verbose_name_plural = _("home purchases")
