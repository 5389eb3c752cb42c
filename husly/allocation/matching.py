"""Matching suggestions: how well a dwelling fits a granted applicant, with reasons.

It suggests; a person decides. Priority is by need, so nothing here counts waiting time.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from husly.housing.models import DwellingKind, Tenancy, TenancyEndReason


@dataclass
class Fit:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: bool = False


def dwelling_fit(application, dwelling, earlier_unplanned_ends: int = 0) -> Fit:
    fit = Fit()
    tags = {t.code for t in dwelling.suitability.all()}
    if application.needs_24h_staffing:
        if dwelling.kind == DwellingKind.CARE:
            fit.score += 30
            fit.reasons.append(_("Has the 24-hour staffing the applicant needs."))
        else:
            fit.excluded = True
            fit.warnings.append(_("No 24-hour staffing, which the applicant needs."))
    if application.needs_wheelchair_access:
        if dwelling.wheelchair_accessible:
            fit.score += 20
            fit.reasons.append(_("Wheelchair accessible."))
        else:
            fit.excluded = True
            fit.warnings.append(_("Not wheelchair accessible."))
    if application.needs_ground_floor_or_lift:
        if dwelling.floor <= 1 or dwelling.has_lift:
            fit.score += 10
            fit.reasons.append(_("Ground floor or lift."))
        else:
            fit.excluded = True
            fit.warnings.append(_("Neither ground floor nor lift."))
    if application.needs_rop_suited:
        if "rop" in tags:
            fit.score += 20
            fit.reasons.append(_("Suited for the ROP group."))
        else:
            fit.score -= 10
            fit.warnings.append(_("Not marked as suited for the ROP group."))
    if dwelling.rooms >= application.rooms_needed:
        fit.score += 10 - min(dwelling.rooms - application.rooms_needed, 3) * 2
        fit.reasons.append(_("Enough rooms (%(rooms)s).") % {"rooms": dwelling.rooms})
    else:
        fit.excluded = True
        fit.warnings.append(_("Too few rooms (%(rooms)s).") % {"rooms": dwelling.rooms})
    if application.wished_kind and application.wished_kind == dwelling.kind:
        fit.score += 10
        fit.reasons.append(_("The kind of dwelling the applicant wishes for."))
    if application.wished_area and application.wished_area.lower() in (
        f"{dwelling.street_address} {dwelling.postal_place}".lower()
    ):
        fit.score += 10
        fit.reasons.append(_("In the area the applicant wishes for."))
    if earlier_unplanned_ends:
        # Re-settlement: learn from what went wrong; a screened location often helps.
        if "skjermet" in tags or dwelling.kind == DwellingKind.SMALL_HOUSE:
            fit.score += 10
            fit.reasons.append(_("Screened location, which may help after an earlier "
                                 "tenancy that ended unplanned."))
        else:
            fit.warnings.append(_("An earlier tenancy ended unplanned: consider what went "
                                  "wrong then."))
    return fit


def unplanned_ends_by_resident(resident_ids) -> dict[int, int]:
    from django.db.models import Count


    rows = (Tenancy.objects.filter(residents__in=resident_ids,
                                   end_reason__in=TenancyEndReason.unplanned())
            .values_list("residents").annotate(n=Count("id")))
    return dict(rows)
