"""The people app's person data: the resident, their cases and notes (husly.common.persondata)."""

from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category
from husly.common.persondata import PersonData, register
from husly.people import services
from husly.people.models import Case, CaseKind, Resident, ResidentNote

CASE_CATEGORY = {CaseKind.HOUSING: Category.HOUSING, CaseKind.RESETTLEMENT: Category.HOUSING,
                 CaseKind.FOLLOWUP: Category.FOLLOWUP, CaseKind.NAV: Category.NAV}


def _case_active(resident, cutoff):
    return Case.objects.filter(resident=resident).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=cutoff))


def _notes_title(category: str) -> str:
    return gettext("Notes: %(category)s") % {"category": Category(category).label}


register(PersonData(
    model=Resident, key="person", title=_("Person"), order=10, resident="pk",
    fields=("given_name", "family_name", "national_id", "birth_date", "phone", "guardian_name",
            "guardian_phone", "guardian_scope", "protected_address", "team", "primary_contact",
            "registered_at"),
    category_fields={Category.HOUSING: ("background", "housing_situation",
                                        "housing_situation_since")},
    select_related=("team", "primary_contact"),
    anonymise_fields=("national_id", "phone", "guardian_name", "guardian_phone",
                      "guardian_scope"),
    anonymise=services.resident_anonymise, preserve=services.resident_preserve_for_archive,
    # Earlier events copied values about the person (the name at registration, corrections).
    anonymise_events=True,
))

register(PersonData(
    model=Case, key="cases", title=_("Cases"), order=20, resident="resident",
    category=lambda case: CASE_CATEGORY[case.kind],
    fields=("kind", "unit", "assigned_to", "opened_on", "closed_on"),
    select_related=("unit", "assigned_to"), keeps_active=_case_active,
))

# One section per category: each unit writes in its own, and a maker copies what they read.
for _order, _category in enumerate(Category, start=30):
    register(PersonData(
        model=ResidentNote, key=f"notes_{_category.value}",
        title=lazy(_notes_title, str)(_category.value), order=_order, resident="resident",
        category=_category, where=Q(category=_category),
        fields=("written_at", "written_by", "text"), select_related=("written_by",),
        anonymise_fields=("text",),
        # Records from drug-related and psychosocial care: archive rules require them kept.
        kept_for_archive=_category in (Category.FOLLOWUP, Category.HEALTH),
    ))
