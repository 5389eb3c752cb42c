"""Method guidance in the demo: the municipality's default texts and checklist, and a
follow-up worker who has done the first points of their first-day checklist."""

from husly.guidance import services
from husly.guidance.models import ChecklistItem


def guidance_demo(municipality, staff) -> None:
    services.guidance_ensure(municipality=municipality, by=staff.get("leder"))
    worker = staff.get("miljo")
    if worker is None:
        return
    for item in ChecklistItem.objects.filter(municipality=municipality,
                                             active=True).order_by("order", "id")[:3]:
        services.checklist_tick(item=item, user=worker)
