"""Writes of the access module: the access log."""

from django.utils import timezone

from husly.access.models import AccessLogEntry
from husly.access.policy import ResidentAccess, StaffContext


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
