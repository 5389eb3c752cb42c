"""Signals that predict a lost home (P11): act before a notice to quit.

Each signal belongs to a category, and only signals the viewer may read are returned.
Computed for many residents at once in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.common.models import Category
from husly.followup.models import FollowUpAgreement, Visit
from husly.followup.selectors import missed_weeks_many
from husly.housing.models import RentArrears

WINDOW = datetime.timedelta(weeks=8)

VISIT_FLAGS = (
    ("damage", lambda: _("damage to the dwelling")),
    ("neighbour_complaint", lambda: _("neighbour complaints")),
    ("fire_safety_concern", lambda: _("fire safety concerns")),
)


@dataclass(frozen=True)
class Signal:
    category: str
    text: str


def risk_signals_many(agreements, *, categories_by_resident: dict, today=None):
    """{resident id: [Signal]} for these running agreements."""

    today = today or timezone.localdate()
    agreements = list(agreements)
    ids = [a.pk for a in agreements]
    missed = missed_weeks_many(agreements, today)
    flags = {
        row["agreement"]: row for row in Visit.objects.filter(
            agreement__in=ids, planned_on__gte=today - WINDOW)
        .values("agreement")
        .annotate(**{field: Count("id", filter=Q(**{field: True}))
                     for field, _label in VISIT_FLAGS})
    }
    resident_ids = [a.resident_id for a in agreements]
    arrears = {}
    for row in (RentArrears.objects.filter(tenancy__residents__in=resident_ids,
                                           settled_on__isnull=True)
                .values("tenancy__residents", "category", "months_behind", "amount")
                .order_by("-recorded_on")):
        arrears.setdefault(row["tenancy__residents"], []).append(row)
    result = {}
    for agreement in agreements:
        readable = categories_by_resident.get(agreement.resident_id, frozenset())
        signals: list[Signal] = []
        if Category.FOLLOWUP in readable:
            weeks = missed.get(agreement.pk, 0)
            if weeks >= 2:
                signals.append(Signal(Category.FOLLOWUP, _(
                    "%(weeks)s weeks in a row without a visit") % {"weeks": weeks}))
            counts = flags.get(agreement.pk, {})
            for field, label in VISIT_FLAGS:
                if counts.get(field):
                    signals.append(Signal(Category.FOLLOWUP, _(
                        "%(what)s noted on %(count)s visits in the last eight weeks")
                        % {"what": label(), "count": counts[field]}))
            if not agreement.health_care_accepted:
                signals.append(Signal(Category.FOLLOWUP, _("health care declined")))
        for row in arrears.get(agreement.resident_id, []):
            if row["category"] in readable:
                signals.append(Signal(row["category"], _(
                    "rent arrears: %(months)s months, %(amount)s kr") % {
                    "months": row["months_behind"], "amount": row["amount"]}))
                break
        result[agreement.resident_id] = signals
    return result


def risk_signals(resident, *, categories, today=None) -> list[Signal]:
    """The signals for one resident's page (also arrears when there is no agreement)."""

    agreement = FollowUpAgreement.objects.filter(resident=resident, end_date__isnull=True).first()
    if agreement is not None:
        return risk_signals_many([agreement], categories_by_resident={
            resident.pk: frozenset(categories)}, today=today)[resident.pk]
    row = (RentArrears.objects.filter(tenancy__residents=resident, settled_on__isnull=True,
                                      category__in=list(categories))
           .order_by("-recorded_on").first())
    if row is None:
        return []
    return [Signal(row.category, _("rent arrears: %(months)s months, %(amount)s kr") % {
        "months": row.months_behind, "amount": row.amount})]
