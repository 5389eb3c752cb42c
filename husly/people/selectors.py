"""Reads of residents, already filtered by what the staff member may see."""


from husly.access.policy import StaffContext, resident_in_municipality, residents_visible
from husly.common.identifiers import national_id_compact
from husly.people.models import Resident


def resident_list(*, staff: StaffContext, search: str = ""):
    return (
        residents_visible(staff)
        .search(search)
        .select_related("team", "primary_contact")
        .order_by("family_name", "given_name", "id")
    )


def resident_get(*, staff: StaffContext, pk: int) -> Resident:
    """The resident within the staff member's municipality; any other is not found (404)."""
    return resident_in_municipality(staff, pk)


def resident_notes(*, resident: Resident, categories):
    return resident.notes.filter(category__in=list(categories)).select_related("written_by")


def resident_for_break_glass(*, staff: StaffContext, national_id: str) -> Resident | None:
    """The resident with exactly this fødselsnummer, for someone who may use emergency access
    and has no relation: nothing else about them is shown until they state why."""

    digits = national_id_compact(national_id)
    if not staff.may_open("break_glass") or not (digits.isdigit() and len(digits) == 11):
        return None
    return Resident.objects.filter(municipality=staff.municipality, national_id=digits,
                                   anonymised_on__isnull=True).only("id").first()
