"""The team board: the red board, the weekly review rotation and the morning-meeting note."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import MunicipalityScopedModel


class RedBoardEntry(MunicipalityScopedModel):
    """Raud tavle: while on it, the resident has no single primary contact; everyone on the
    team is responsible (P14). Entries are never deleted: they are the history."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT,
                             related_name="red_board_entries")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="red_board_entries")
    put_on_at = models.DateTimeField(_("put on"))
    put_on_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    reason_on = models.TextField(_("why on the red board"))
    previous_primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+")
    taken_off_at = models.DateTimeField(_("taken off"), null=True, blank=True)
    taken_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    reason_off = models.TextField(_("why taken off"), blank=True)

    class Meta:
        ordering = ["-put_on_at"]
        constraints = [
            models.UniqueConstraint(fields=["resident"],
                                    condition=models.Q(taken_off_at__isnull=True),
                                    name="one_open_red_board_entry_per_resident"),
        ]


class Review(MunicipalityScopedModel):
    """Tavlegjennomgang: a short record of what matters now for one resident (P13)."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="reviews")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT,
                                 related_name="reviews")
    held_on = models.DateField(_("reviewed"))
    what_matters_now = models.TextField(_("What matters now"))
    next_steps = models.TextField(_("Next steps"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]


class BoardNote(MunicipalityScopedModel):
    """The morning meeting's short note, one per team and day."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT,
                             related_name="board_notes")
    day = models.DateField(_("day"))
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "day"],
                                               name="one_board_note_per_team_day")]
