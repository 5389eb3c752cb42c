"""How a deadline stands today, shown the same way everywhere."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    DONE = "done", _("Done")
    ON_TIME = "on_time", _("On time")
    DUE_TODAY = "due_today", _("Due today")
    LATE = "late", _("Late")


def deadline_state(due: datetime.date, *, done: bool, today: datetime.date) -> DeadlineState:
    if done:
        return DeadlineState.DONE
    if today < due:
        return DeadlineState.ON_TIME
    if today == due:
        return DeadlineState.DUE_TODAY
    return DeadlineState.LATE
