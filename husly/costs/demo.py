"""Cost sharing in the demo municipality (P22, Stord): the team's NAV counsellor paid half by
NAV and half by the follow-up unit, the caretaker half by the housing service and half by the
follow-up unit, recorded for this budget year through the service."""

from decimal import Decimal

from django.utils import timezone

from husly.accounts.models import Unit, UnitKind
from husly.costs.services import funded_position_save


def costs_demo(municipality, staff) -> None:
    units = {kind: Unit.objects.filter(municipality=municipality, kind=kind).order_by("pk")
             .first() for kind in (UnitKind.NAV, UnitKind.FOLLOWUP, UnitKind.HOUSING)}
    if None in units.values():
        return
    year, by = timezone.localdate().year, staff.get("leder")
    funded_position_save(
        municipality=municipality, year=year, title="NAV-veileder i Housing First-teamet",
        holder=staff.get("nav"), fte_percent=100, annual_cost=Decimal(750_000),
        shares=[(units[UnitKind.NAV], 50), (units[UnitKind.FOLLOWUP], 50)], by=by,
        note="Lønn og sosiale kostnader delt likt mellom NAV og Mestringsenheten.")
    funded_position_save(
        municipality=municipality, year=year, title="Miljøvaktmester i Housing First-teamet",
        holder=staff.get("vaktmester"), fte_percent=100, annual_cost=Decimal(620_000),
        shares=[(units[UnitKind.HOUSING], 50), (units[UnitKind.FOLLOWUP], 50)], by=by)
