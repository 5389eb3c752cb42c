"""Shared positions for the tests, written through the service."""

from decimal import Decimal

from husly.accounts import services as accounts
from husly.accounts.models import Unit, UnitKind
from husly.costs.services import funded_position_save


def unit(municipality, kind=UnitKind.FOLLOWUP, name=None):
    found = Unit.objects.filter(municipality=municipality, kind=kind).order_by("pk").first()
    if found is not None and name is None:
        return found
    return accounts.unit_create(municipality=municipality, kind=kind,
                                name=name or f"{kind} {municipality.number}")


def position(municipality, *, year=2026, title="NAV-veileder", cost=Decimal(750_000),
             fte_percent=100, shares=None, holder=None, by=None):
    if shares is None:
        shares = [(unit(municipality, UnitKind.NAV), 50), (unit(municipality), 50)]
    return funded_position_save(municipality=municipality, year=year, title=title,
                                holder=holder, fte_percent=fte_percent, annual_cost=cost,
                                shares=shares, by=by)


def matrix_args(*, municipality, other_municipality) -> dict:
    """The "cost_position" kind of tests/access/test_matrix.py: a shared position of the
    world's municipality and one of another municipality."""
    return {"own": [position(municipality).pk], "foreign": [position(other_municipality).pk]}
