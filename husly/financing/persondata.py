"""The financing app's person data: applications for loans, grants and allowances, and home
purchases (husly.common.persondata)."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category
from husly.common.persondata import PersonData, register
from husly.financing.models import FinancingApplication, HomePurchase

register(PersonData(
    model=FinancingApplication, key="financing", title=_("Financing applications"), order=70,
    resident="resident",
    # Each kind under the unit that handles it (financing.models.KIND_CATEGORY).
    category=lambda application: application.category, shown_when_empty=False,
    fields=("kind", "amount_applied", "applied_on", "for_month", "status", "decided_on",
            "amount_granted", "decision_note", "appeal_lodged_on", "appeal_decided_on",
            "appeal_note", "withdrawn_on", "handled_by"),
    select_related=("handled_by",),
    anonymise_fields=("decision_note", "appeal_note"),
))

register(PersonData(
    # Bought with a startlån, which the housing service handles.
    model=HomePurchase, key="home_purchases",
    title=capfirst(HomePurchase._meta.verbose_name_plural), order=75,
    resident="resident", category=Category.HOUSING,
    fields=("purchased_on", "loan", "tenancy", "registered_at"),
    address_fields=("tenancy",), select_related=("loan", "loan__resident", "tenancy__dwelling"),
))
