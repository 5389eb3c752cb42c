"""Integration tokens: how another system of the municipality (the finance system, a
property system) calls Husly's API, within named operations (ADR 0027)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.access.models import IntegrationScope  # noqa: F401 - the operations, owned by access
from husly.common.models import MunicipalityScopedModel


class TokenState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class IntegrationToken(MunicipalityScopedModel):
    """A secret another system sends as `Authorization: Bearer husly_…`. Only the SHA-256 of
    the secret is kept; the secret is shown once, when the token is created.

    The integration acts as its own system user (no role, no password, inactive): access-log
    rows, events and rent arrears it records name "Integrasjon: <name>"."""

    name = models.CharField(_("name"), max_length=100,
                            help_text=_("The system that uses the token, e.g. “Økonomisystemet "
                                        "Visma”."))
    scopes = models.JSONField(_("operations"), default=list)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, so an administrator can tell tokens apart.
    key_prefix = models.CharField(_("starts with"), max_length=16)
    system_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       related_name="integration_token")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"))
    expires_on = models.DateField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("revoked by"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("integration token")
        verbose_name_plural = _("integration tokens")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"],
                                    condition=models.Q(revoked_at__isnull=True),
                                    name="integration_token_active_name_unique"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False),
                name="integration_token_revoked_by_with_revoked_at"),
        ]

    def __str__(self) -> str:
        return self.name

    def state(self, today) -> str:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_on < today:
            return TokenState.EXPIRED
        return TokenState.ACTIVE

    @property
    def current_state(self) -> str:
        from django.utils import timezone

        return self.state(timezone.localdate())

    @property
    def current_state_label(self) -> str:
        return str(TokenState(self.current_state).label)

    @property
    def scope_labels(self) -> list[str]:
        return [str(IntegrationScope(s).label) for s in self.scopes
                if s in IntegrationScope.values]


class IntegrationCall(MunicipalityScopedModel):
    """One call with a known token, answered or refused: the token's call log."""

    token = models.ForeignKey(IntegrationToken, on_delete=models.PROTECT, related_name="calls",
                              verbose_name=_("token"))
    operation = models.CharField(_("operation"), max_length=40)
    called_at = models.DateTimeField(_("when"))
    status = models.PositiveSmallIntegerField(_("answer (HTTP status)"))
    items = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        ordering = ["-called_at", "-id"]
        verbose_name = _("integration call")
        verbose_name_plural = _("integration calls")
        indexes = [models.Index(fields=["token", "called_at"])]

    @property
    def status_label(self) -> str:
        labels = {
            200: _("Answered"), 401: _("Refused: the token is not valid"),
            403: _("Refused: the token does not give the operation"),
            404: _("Not found"), 422: _("Refused: errors in the data, nothing saved"),
            429: _("Refused: too many calls"),
        }
        return str(labels.get(self.status, _("Refused")))

    @property
    def operation_label(self) -> str:
        if self.operation in IntegrationScope.values:
            return str(IntegrationScope(self.operation).label)
        return self.operation
