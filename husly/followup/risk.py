"""Signals that predict a lost home (P11): act before a notice to quit.

Each signal belongs to a category, and only signals the viewer may read are returned.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.common.models import Category
from husly.followup.models import FollowUpAgreement, Visit
from husly.followup.selectors import missed_weeks

WINDOW = datetime.timedelta(weeks=8)


@dataclass(frozen=True)
class Signal:
    category: str
    text: str


def risk_signals(resident, *, categories, today=None) -> list[Signal]:
    from husly.housing.models import RentArrears

    today = today or timezone.localdate()
    since = today - WINDOW
    signals: list[Signal] = []
    agreement = FollowUpAgreement.objects.filter(resident=resident, end_date__isnull=True).first()
    if agreement and Category.FOLLOWUP in categories:
        weeks = missed_weeks(agreement, today)
        if weeks >= 2:
            signals.append(Signal(Category.FOLLOWUP, _("%(weeks)s weeks in a row without a "
                                                       "visit") % {"weeks": weeks}))
        visits = Visit.objects.filter(agreement=agreement, planned_on__gte=since)
        for field, label in (("damage", _("damage to the dwelling")),
                             ("neighbour_complaint", _("neighbour complaints")),
                             ("fire_safety_concern", _("fire safety concerns"))):
            count = visits.filter(**{field: True}).count()
            if count:
                signals.append(Signal(Category.FOLLOWUP, _("%(what)s noted on %(count)s "
                                                           "visits in the last eight weeks")
                                      % {"what": label, "count": count}))
        if not agreement.health_care_accepted:
            signals.append(Signal(Category.FOLLOWUP, _("health care declined")))
    arrears = (RentArrears.objects.filter(tenancy__residents=resident, settled_on__isnull=True)
               .filter(Q(category__in=[c for c in categories if c in ("housing", "nav")]))
               .order_by("-recorded_on").first())
    if arrears:
        signals.append(Signal(arrears.category, _("rent arrears: %(months)s months, "
                                                  "%(amount)s kr") % {
            "months": arrears.months_behind, "amount": arrears.amount}))
    return signals
