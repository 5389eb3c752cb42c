"""Every write of cost sharing: one transaction and one domain event each."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from husly.accounts.models import RoleAssignment
from husly.common.events import event_record
from husly.costs.models import FundedPosition, FundingShare

YEAR_MIN, YEAR_MAX = 2000, 2100


def _check_year(year, field: str = "year") -> None:
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({field: _("Give a budget year between %(min)s and %(max)s.")
                               % {"min": YEAR_MIN, "max": YEAR_MAX}})


def _check_shares(*, municipality, shares) -> list[tuple]:
    shares = list(shares or [])
    if not shares:
        raise ValidationError(_("Give at least one unit that funds the position."))
    seen = set()
    for unit, percent in shares:
        if unit is None or unit.municipality_id != municipality.pk:
            raise ValidationError(_("Choose units of your own municipality only."))
        if unit.pk in seen:
            raise ValidationError(
                _("%(unit)s is given twice: give each unit once, with its whole share.")
                % {"unit": unit.name})
        seen.add(unit.pk)
        if not isinstance(percent, int) or not 1 <= percent <= 100:
            raise ValidationError(
                _("The share of %(unit)s must be a whole percent from 1 to 100.")
                % {"unit": unit.name})
    total = sum(percent for _unit, percent in shares)
    if total != 100:
        raise ValidationError(
            _("The shares add up to %(total)s %%; they must add up to exactly 100 %%.")
            % {"total": total})
    return shares


def _check_position(*, municipality, title, holder, fte_percent, annual_cost) -> Decimal:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the position a title, e.g. “NAV counsellor in the team”.")
    if not isinstance(fte_percent, int) or not 1 <= fte_percent <= 100:
        errors["fte_percent"] = _("The size of the position is a whole percent from 1 to 100.")
    try:
        cost = Decimal(annual_cost)
    except (InvalidOperation, TypeError, ValueError):
        cost = None
    if cost is None or not cost.is_finite():
        errors["annual_cost"] = _("Give the annual cost in kroner.")
    elif cost < 0:
        errors["annual_cost"] = _("The annual cost cannot be negative: give 0 or more kroner.")
    if holder is not None and not RoleAssignment.objects.filter(
            user=holder, municipality=municipality).exists():
        errors["holder"] = _("The holder must be a staff member of your municipality.")
    if errors:
        raise ValidationError(errors)
    return cost


@transaction.atomic
def funded_position_save(*, municipality, year: int, title: str, holder, fte_percent: int,
                         annual_cost, shares, by, note: str = "",
                         position: FundedPosition | None = None) -> FundedPosition:
    """Create a position funded by one or more units, or change one (its shares replaced)."""
    if position is not None and position.municipality_id != municipality.pk:
        raise ValidationError(_("The position belongs to another municipality."))
    _check_year(year)
    cost = _check_position(municipality=municipality, title=title, holder=holder,
                           fte_percent=fte_percent, annual_cost=annual_cost)
    shares = _check_shares(municipality=municipality, shares=shares)
    values = {"year": year, "title": title.strip(), "holder": holder,
              "fte_percent": fte_percent, "annual_cost": cost, "note": note or ""}
    created = position is None
    if created:
        position = FundedPosition.objects.create(municipality=municipality, **values)
    else:
        position = FundedPosition.objects.select_for_update().get(pk=position.pk)
        for field, value in values.items():
            setattr(position, field, value)
        position.save()
        position.shares.all().delete()
    FundingShare.objects.bulk_create([
        FundingShare(municipality=municipality, position=position, unit=unit, percent=percent)
        for unit, percent in shares])
    event_record(name="funded_position.created" if created else "funded_position.changed",
                 actor=by, target=position,
                 changes={**values, "shares": [[u.pk, p] for u, p in shares]})
    return position


@transaction.atomic
def funded_position_copy_year(*, municipality, from_year: int, to_year: int,
                              by) -> list[FundedPosition]:
    """Copy every position of `from_year`, with its shares, to `to_year` (each January)."""
    _check_year(from_year, "from_year")
    _check_year(to_year, "to_year")
    if from_year == to_year:
        raise ValidationError({"to_year": _("Choose another year to copy to.")})
    source = list(FundedPosition.objects.filter(municipality=municipality, year=from_year)
                  .prefetch_related("shares").order_by("pk"))
    if not source:
        raise ValidationError({"from_year": _("There are no positions in %(year)s to copy.")
                               % {"year": from_year}})
    if FundedPosition.objects.filter(municipality=municipality, year=to_year).exists():
        raise ValidationError({"to_year": _(
            "%(year)s already has positions: change them there instead of copying.")
            % {"year": to_year}})
    copies = []
    for old in source:
        new = FundedPosition.objects.create(
            municipality=municipality, year=to_year, title=old.title, holder=old.holder,
            fte_percent=old.fte_percent, annual_cost=old.annual_cost, note=old.note)
        FundingShare.objects.bulk_create([
            FundingShare(municipality=municipality, position=new, unit_id=s.unit_id,
                         percent=s.percent) for s in old.shares.all()])
        copies.append(new)
    event_record(name="funded_positions.copied", actor=by, target=municipality,
                 municipality=municipality,
                 changes={"from_year": from_year, "to_year": to_year,
                          "positions": [p.pk for p in copies]})
    return copies
