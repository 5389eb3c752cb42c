"""The municipality (the tenant), the base for scoped rows, and the domain-event record."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class WrittenLanguage(models.TextChoices):
    BOKMAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")


class Municipality(models.Model):
    """One municipality is one tenant: nothing of one is ever shown to staff of another."""

    number = models.CharField(
        _("municipality number"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("The municipality number has four digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    written_language = models.CharField(
        _("written language"), max_length=2, choices=WrittenLanguage.choices,
        default=WrittenLanguage.BOKMAL,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{4}$"), name="municipality_number_4_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class MunicipalityQuerySet(models.QuerySet):
    def in_municipality(self, municipality):
        return self.filter(municipality=municipality)


class MunicipalityScopedModel(models.Model):
    """A row that belongs to one municipality; every query over it filters on that key."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        abstract = True


class DomainEvent(models.Model):
    """Who did what, when, to which object, with the changed values: the audit trail.

    Written only by `husly.common.events.event_record`. Changed values of health or
    follow-up notes are never stored here: services record the fact, not the content.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(db_index=True)
    name = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=40)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.name} {self.target_type}:{self.target_id}"


class Category(models.TextChoices):
    """The duty-of-confidentiality category a piece of person information belongs to."""

    HOUSING = "housing", _("Housing")
    FOLLOWUP = "followup", _("Follow-up")
    HEALTH = "health", _("Health")
    NAV = "nav", _("NAV")


class EventDelivery(models.Model):
    """An event waiting for one subscriber: the outbox of ADR 0031.

    Written in the same transaction as the event, so a subscriber can never miss an event
    that was committed; deleted once the subscriber has run. A row that stays has failed and
    is retried by `manage.py events_deliver`; the health endpoint counts such rows.
    """

    event = models.ForeignKey(DomainEvent, on_delete=models.PROTECT, related_name="deliveries")
    subscriber = models.CharField(max_length=200)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception's class name only: a message could carry a person's data.
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # What subscribers need but the audit trail must not keep (free text an officer wrote).
    private = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["event_id", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"],
                                               name="event_delivery_once_per_subscriber")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscriber}"
