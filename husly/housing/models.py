"""Dwellings, landlords and tenancies."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.identifiers import Matrikkel
from husly.common.models import MunicipalityScopedModel


class DwellingKind(models.TextChoices):
    CARE = "care", _("Care dwelling with 24-hour staffing")
    TRANSITIONAL = "transitional", _("Municipal transitional dwelling")
    SMALL_HOUSE = "small_house", _("Small house")
    ORDINARY = "ordinary", _("Ordinary municipal rental")
    PRIVATE_LEASE = "private_lease", _("Leased from a private landlord")


class DwellingStatus(models.TextChoices):
    VACANT = "vacant", _("Vacant")
    BEING_PREPARED = "being_prepared", _("Being prepared")
    LET = "let", _("Let")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class OwnerKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal property")
    PRIVATE = "private", _("Private landlord")


class LandlordKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Private person")


class Landlord(MunicipalityScopedModel):
    """A private landlord the municipality leases from, or who lets directly to residents."""

    kind = models.CharField(_("kind"), max_length=10, choices=LandlordKind.choices,
                            default=LandlordKind.COMPANY)
    name = models.CharField(_("name"), max_length=150)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    note = models.TextField(_("about the cooperation"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("landlord")
        verbose_name_plural = _("landlords")

    def __str__(self) -> str:
        return self.name


class OutreachKind(models.TextChoices):
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail or letter")
    OFFER = "offer", _("Offer of a dwelling")
    AGREEMENT = "agreement", _("Agreement")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Being considered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class LandlordContact(MunicipalityScopedModel):
    """One contact with a landlord: the outreach that builds goodwill in the private market.
    An offer records the dwelling offered and what came of it."""

    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT, related_name="contacts",
                                 verbose_name=_("landlord"))
    kind = models.CharField(_("kind of contact"), max_length=10, choices=OutreachKind.choices)
    contacted_on = models.DateField(_("date"))
    summary = models.TextField(_("what was said or agreed"))
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    offered_address = models.CharField(_("address offered"), max_length=200, blank=True)
    offered_rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    offered_rent = models.DecimalField(_("monthly rent (kr)"), max_digits=8, decimal_places=0,
                                       null=True, blank=True)
    offer_status = models.CharField(_("offer status"), max_length=10,
                                    choices=OfferStatus.choices, blank=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("contact with a landlord")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="offer") & ~models.Q(offer_status=""))
                | (~models.Q(kind="offer") & models.Q(offer_status="")),
                name="landlord_contact_offer_has_status"),
        ]


class PrivateLease(MunicipalityScopedModel):
    """A resident renting directly from a private landlord, arranged by the housing service:
    out of homelessness without a municipal dwelling."""

    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT,
                                 related_name="private_leases", verbose_name=_("landlord"))
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="private_leases", verbose_name=_("resident"))
    street_address = models.CharField(_("street address"), max_length=150)
    postal_code = models.CharField(_("postal code"), max_length=4)
    postal_place = models.CharField(_("postal place"), max_length=80)
    monthly_rent = models.DecimalField(_("monthly rent (kr)"), max_digits=8, decimal_places=0)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("ended"), null=True, blank=True)
    arranged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("lease directly from a private landlord")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__isnull=True)
                                   | models.Q(end_date__gte=models.F("start_date")),
                                   name="private_lease_end_not_before_start"),
            models.CheckConstraint(condition=models.Q(monthly_rent__gte=0),
                                   name="private_lease_rent_not_negative"),
        ]


class SuitabilityTag(MunicipalityScopedModel):
    """What a dwelling suits, in the municipality's own words (e.g. 'suited for the ROP group')."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("suitability")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="suitability_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Dwelling(MunicipalityScopedModel):
    street_address = models.CharField(_("street address"), max_length=150)
    postal_code = models.CharField(_("postal code"), max_length=4)
    postal_place = models.CharField(_("postal place"), max_length=80)
    bruksenhetsnummer = models.CharField(
        _("unit number (bruksenhetsnummer)"), max_length=5, blank=True,
        help_text=_("A letter and four digits, e.g. H0101."),
    )
    gnr = models.PositiveIntegerField(_("gnr"))
    bnr = models.PositiveIntegerField(_("bnr"))
    fnr = models.PositiveIntegerField(_("fnr"), null=True, blank=True)
    snr = models.PositiveIntegerField(_("snr"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DwellingKind.choices)
    rooms = models.PositiveSmallIntegerField(_("rooms"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=6, decimal_places=1)
    floor = models.SmallIntegerField(_("floor"), default=1)
    has_lift = models.BooleanField(_("lift"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    suitability = models.ManyToManyField(
        SuitabilityTag, blank=True, related_name="dwellings", verbose_name=_("suitability")
    )
    owner_kind = models.CharField(
        _("owner"), max_length=10, choices=OwnerKind.choices, default=OwnerKind.MUNICIPAL
    )
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, null=True, blank=True, related_name="dwellings",
        verbose_name=_("landlord"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DwellingStatus.choices, default=DwellingStatus.VACANT
    )

    class Meta:
        ordering = ["street_address", "bruksenhetsnummer", "id"]
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "street_address", "postal_code", "bruksenhetsnummer"],
                name="dwelling_address_unit_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(owner_kind="municipal", landlord__isnull=True)
                | models.Q(owner_kind="private", landlord__isnull=False),
                name="dwelling_private_has_landlord",
            ),
            models.CheckConstraint(condition=models.Q(rooms__gte=1), name="dwelling_rooms_min_1"),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["municipality", "kind"]),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        unit = f" {self.bruksenhetsnummer}" if self.bruksenhetsnummer else ""
        return f"{self.street_address}{unit}, {self.postal_code} {self.postal_place}"

    @property
    def matrikkel(self) -> Matrikkel:
        return Matrikkel(self.gnr, self.bnr, self.fnr, self.snr)


class TenancyEndReason(models.TextChoices):
    PLANNED_MOVE = "planned_move", _("Planned move")
    BOUGHT_OWN_HOME = "bought_own_home", _("Bought own home")
    EVICTION = "eviction", _("Eviction")
    ABANDONMENT = "abandonment", _("Abandonment")
    INSTITUTION = "institution", _("Institution")
    PRISON = "prison", _("Prison")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")

    @classmethod
    def unplanned(cls) -> set[str]:
        return {cls.EVICTION, cls.ABANDONMENT, cls.INSTITUTION, cls.PRISON}


class TenancyQuerySet(models.QuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=on)
        )

    def overlapping(self, start, end):
        """Tenancies whose period [start_date, end_date] meets [start, end] (None = open)."""
        query = models.Q(end_date__isnull=True) | models.Q(end_date__gte=start)
        qs = self.filter(query)
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs


class Tenancy(MunicipalityScopedModel):
    dwelling = models.ForeignKey(
        Dwelling, on_delete=models.PROTECT, related_name="tenancies", verbose_name=_("dwelling")
    )
    residents = models.ManyToManyField(
        "people.Resident", related_name="tenancies", verbose_name=_("residents")
    )
    start_date = models.DateField(_("start"))
    fixed_term_end = models.DateField(_("fixed-term end"), null=True, blank=True)
    monthly_rent = models.DecimalField(_("monthly rent (kr)"), max_digits=8, decimal_places=0)
    end_date = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=TenancyEndReason.choices, blank=True
    )

    objects = TenancyQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="tenancy_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(fixed_term_end__isnull=True)
                | models.Q(fixed_term_end__gt=models.F("start_date")),
                name="tenancy_fixed_term_after_start",
            ),
            models.CheckConstraint(
                condition=(models.Q(end_date__isnull=True) & models.Q(end_reason=""))
                | (models.Q(end_date__isnull=False) & ~models.Q(end_reason="")),
                name="tenancy_end_reason_with_end_date",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_rent__gte=0), name="tenancy_rent_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["dwelling", "start_date"])]

    def __str__(self) -> str:
        return f"{self.dwelling} ({self.start_date})"

    @property
    def is_unplanned_end(self) -> bool:
        return self.end_reason in TenancyEndReason.unplanned()


class WorkOrderKind(models.TextChoices):
    PREPARATION = "preparation", _("Prepare the dwelling before move-in")
    MAINTENANCE = "maintenance", _("Maintenance")
    REPAIR = "repair", _("Repair")
    GUIDANCE = "guidance", _("Guide the resident")


class WorkOrderPriority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class WorkOrder(MunicipalityScopedModel):
    """A caretaker's job on a dwelling. The caretaker sees the dwelling, this order and the
    resident's name and phone for it, nothing else."""

    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="work_orders",
                                 verbose_name=_("dwelling"))
    kind = models.CharField(_("kind"), max_length=20, choices=WorkOrderKind.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=WorkOrderPriority.choices,
                                                default=WorkOrderPriority.NORMAL)
    description = models.TextField(_("what to do"))
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("resident"))
    assigned_to = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="work_orders",
                                    verbose_name=_("caretaker"))
    created_on = models.DateField(_("created"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    what_was_done = models.TextField(_("what was done"), blank=True)
    guidance_given = models.TextField(_("what the resident was taught"), blank=True)

    class Meta:
        ordering = ["priority", "due_on", "id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class RentArrears(MunicipalityScopedModel):
    """Rent arrears on a tenancy, recorded by the housing service or NAV: a warning sign."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.PROTECT, related_name="arrears")
    amount = models.DecimalField(_("amount owed (kr)"), max_digits=9, decimal_places=0)
    months_behind = models.PositiveSmallIntegerField(_("months behind"))
    recorded_on = models.DateField(_("recorded"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=10)  # housing or nav: who knows about it
    settled_on = models.DateField(_("settled"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="arrears_positive"),
        ]


class WorkOrderPhoto(models.Model):
    """A photo of the job. Served only through a view that checks access, never as media."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="work_orders/%Y/%m/")
    content_type = models.CharField(max_length=30)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
