"""Writes of the access module: the access log."""

from django.db import transaction
from django.utils import timezone

from husly.access.models import AccessLogEntry, Consent
from husly.access.policy import ResidentAccess, StaffContext
from husly.common.events import event_record
from husly.common.models import Category


def access_log_record(
    *, staff: StaffContext, resident, access: ResidentAccess, view: str
) -> AccessLogEntry:
    """Log one read of `resident`'s information. Refused reads are not reads: never logged."""
    if not access.allowed:
        raise ValueError("a refused read is not logged as a read")
    return AccessLogEntry.objects.create(
        municipality_id=resident.municipality_id,
        user=staff.user,
        resident=resident,
        accessed_at=timezone.now(),
        categories=",".join(sorted(access.categories)),
        basis=access.basis,
        view=view,
    )


@transaction.atomic
def consent_record(
    *, resident, from_units, to_units, categories: list[str], purpose: str, given_on,
    form: str, by, expires_on=None,
) -> Consent:
    """Record the resident's consent to share `categories` from some units with others."""
    unknown = set(categories) - set(Category.values)
    if unknown or not categories:
        raise ValueError(f"unknown or no categories: {sorted(unknown)}")
    units = list(from_units) + list(to_units)
    if any(u.municipality_id != resident.municipality_id for u in units):
        raise ValueError("consent units must belong to the resident's municipality")
    consent = Consent(
        municipality_id=resident.municipality_id, resident=resident, categories=categories,
        purpose=purpose, given_on=given_on, expires_on=expires_on, form=form, recorded_by=by,
    )
    consent.full_clean(exclude=["municipality", "resident", "recorded_by"])
    consent.save()
    consent.from_units.set(from_units)
    consent.to_units.set(to_units)
    event_record(
        name="consent.recorded", actor=by, target=consent,
        changes={"resident": resident, "categories": categories, "purpose": purpose,
                 "from_units": [u.pk for u in from_units], "to_units": [u.pk for u in to_units],
                 "given_on": given_on, "expires_on": expires_on, "form": form},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, on, by) -> Consent:
    """Withdraw a consent; from `on` it opens nothing. As quick as giving it."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValueError("the consent is already withdrawn")
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    event_record(name="consent.withdrawn", actor=by, target=consent, changes={"withdrawn_on": on})
    return consent
