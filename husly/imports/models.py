"""An uploaded import file between its steps: upload, column mapping, check, import."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class ImportKind(models.TextChoices):
    DWELLINGS = "dwellings", _("Dwellings")
    RESIDENTS = "residents", _("Residents")
    TENANCIES = "tenancies", _("Tenancies")


class ImportBatch(MunicipalityScopedModel):
    """The cells of one uploaded file and the chosen column mapping, kept for the one user who
    uploaded it. The cells are cleared when the file is imported or after a day
    (`import_batches_clear`); what remains is the receipt: the kind, the counts and when."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("uploaded"))
    file_name = models.CharField(_("file"), max_length=200)
    header = models.JSONField(default=list, blank=True)
    # [[row number in the file, [cell, …]], …]: every cell as text.
    rows = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    # Husly field -> column index in `header`.
    mapping = models.JSONField(default=dict, blank=True)
    mapped_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    data_cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["municipality", "created_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
