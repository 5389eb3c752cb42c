"""An upload is seen only by the one who uploaded it, in the municipality they work in, and
only while they may import its kind."""

from django.shortcuts import get_object_or_404

from husly.access.policy import import_kinds
from husly.imports.models import ImportBatch


def import_batch_get(*, staff, pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("municipality"), pk=pk,
        municipality=staff.municipality, created_by=staff.user, kind__in=import_kinds(staff))


def import_batches_recent(*, staff, limit: int = 10):
    """The user's own recent imports in this municipality (the receipts)."""
    return ImportBatch.objects.filter(
        municipality=staff.municipality, created_by=staff.user,
        applied_at__isnull=False).order_by("-applied_at")[:limit]
