from decimal import Decimal

import pytest
from django.utils import timezone

from husly.accounts.models import Role
from husly.costs import selectors
from husly.costs.demo import costs_demo

pytestmark = pytest.mark.django_db


def test_the_demo_shares_the_nav_counsellor_and_the_caretaker(municipality, make_staff):
    staff = {"nav": make_staff(Role.NAV_COUNSELLOR, username="nav"),
             "vaktmester": make_staff(Role.CARETAKER, username="vaktmester"),
             "bolig": make_staff(Role.HOUSING_OFFICER, username="bolig"),
             "miljo": make_staff(Role.FOLLOWUP_WORKER, username="miljo"),
             "leder": make_staff(Role.TEAM_LEADER, username="leder")}
    costs_demo(municipality, staff)
    summary = selectors.cost_summary(municipality=municipality,
                                     year=timezone.localdate().year)
    assert summary.total_cost == Decimal(1_370_000)
    assert [p.holder for p in summary.positions] == [staff["vaktmester"], staff["nav"]]
    assert all(s.percent == 50 for p in summary.positions for s in p.shares.all())
    assert len(summary.units) == 3
