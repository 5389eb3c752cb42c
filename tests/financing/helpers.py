"""Financing records for the tests, written through the services."""

import datetime
from decimal import Decimal

from husly.financing import services
from husly.financing.models import FinancingKind, FinancingStatus


def registered(resident, kind=FinancingKind.STARTLAN, amount=Decimal(2_000_000), by=None,
               applied_on=None, submitted=True):
    return services.financing_register(resident=resident, kind=kind, amount_applied=amount,
                                       applied_on=applied_on, submitted=submitted, by=by)


def granted(resident, kind=FinancingKind.STARTLAN, amount=Decimal(2_000_000), by=None,
            applied_on=None, decided_on=None, outcome=FinancingStatus.GRANTED,
            amount_granted=None):
    record = registered(resident, kind=kind, amount=amount, by=by, applied_on=applied_on)
    return services.financing_decide(application=record, outcome=outcome,
                                     decided_on=decided_on or record.applied_on,
                                     amount_granted=amount_granted, by=by)


def matrix_args(*, related, unrelated, foreign) -> dict:
    """The "financing" kind of tests/access/test_matrix.py: a startlån (housing information)
    of the resident the world's staff work with, of one they do not, and of another
    municipality's resident."""
    day = datetime.date(2026, 1, 5)
    return {"own": [registered(related, applied_on=day).pk],
            "unrelated": [registered(unrelated, applied_on=day).pk],
            "foreign": [registered(foreign, applied_on=day).pk]}
