"""The financing pathway in the demo municipality, written through the services: one Housing
First resident on the way to buying a home (startlån and etableringstilskudd granted), one who
bought a while ago (their tenancy ended as "bought own home"), one with bostøtte sent, and
NAV's deposit guarantee and financial help (one refusal under appeal)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from husly.accounts.models import Team
from husly.financing import services
from husly.financing.models import FinancingKind, FinancingStatus
from husly.housing.models import Tenancy
from husly.people.models import Resident


def _candidates(municipality, today):
    """Housing First residents whose current tenancy began at least a year and a half ago,
    without a protected address (the demo shows their names freely)."""

    team = Team.objects.filter(municipality=municipality).order_by("pk").first()
    since = today - datetime.timedelta(days=550)
    current = Tenancy.objects.current(on=today).filter(municipality=municipality,
                                                       start_date__lte=since)
    return list(Resident.objects.filter(municipality=municipality, team=team,
                                        protected_address="none",
                                        tenancies__in=current).distinct().order_by("pk")[:3])


def _decided(*, resident, kind, applied, granted, applied_on, decided_on, by,
             status=FinancingStatus.GRANTED):
    record = services.financing_register(resident=resident, kind=kind, amount_applied=applied,
                                         applied_on=applied_on, by=by)
    return services.financing_decide(application=record, outcome=status,
                                     amount_granted=granted, decided_on=decided_on, by=by)


def financing_demo(municipality, staff) -> None:
    today = timezone.localdate()
    officer, nav = staff["bolig"], staff["nav"]
    residents = _candidates(municipality, today)
    if len(residents) < 3:
        return
    buying, bought, allowance = residents
    days = datetime.timedelta

    # On the way to their own home: startlån and etableringstilskudd granted last month.
    _decided(resident=buying, kind=FinancingKind.STARTLAN, applied=Decimal(2_450_000),
             granted=Decimal(2_450_000), applied_on=today - days(75),
             decided_on=today - days(30), by=officer)
    _decided(resident=buying, kind=FinancingKind.ETABLERINGSTILSKUDD, applied=Decimal(250_000),
             granted=Decimal(250_000), applied_on=today - days(75),
             decided_on=today - days(30), by=officer)
    financing = services.financing_register(
        resident=buying, kind=FinancingKind.FINANCIAL_HELP, amount_applied=Decimal(6_000),
        applied_on=today - days(40), by=nav)
    services.financing_decide(application=financing, outcome=FinancingStatus.REFUSED,
                              decided_on=today - days(20), by=nav)
    services.financing_appeal(application=financing, lodged_on=today - days(10), by=nav)

    # Bought their own home half a year ago: a success in every report.
    _decided(resident=bought, kind=FinancingKind.STARTLAN, applied=Decimal(2_100_000),
             granted=Decimal(2_100_000), applied_on=today - days(300),
             decided_on=today - days(250), by=officer)
    _decided(resident=bought, kind=FinancingKind.ETABLERINGSTILSKUDD, applied=Decimal(300_000),
             granted=Decimal(200_000), applied_on=today - days(300),
             decided_on=today - days(250), by=officer, status=FinancingStatus.PARTLY_GRANTED)
    services.home_purchase_register(resident=bought, purchased_on=today - days(180),
                                    by=officer)

    # Bostøtte sent this week, and NAV's deposit guarantee granted at the move-in.
    services.financing_register(resident=allowance, kind=FinancingKind.BOSTOTTE,
                                amount_applied=Decimal(3_200), applied_on=today - days(3),
                                by=officer)
    services.financing_register(resident=allowance, kind=FinancingKind.BOSTOTTE,
                                amount_applied=None, submitted=False, by=officer)
    _decided(resident=allowance, kind=FinancingKind.DEPOSIT_GUARANTEE, applied=Decimal(27_000),
             granted=Decimal(27_000), applied_on=today - days(500),
             decided_on=today - days(495), by=nav)
