from django import template

register = template.Library()


@register.filter
def may_open(staff, kind: str) -> bool:
    """`staff|may_open:"cost_sharing"`: whether the signed-in staff member opens that page
    kind (the answer is the policy's: husly.access.policy.PAGE_ROLES)."""
    return staff is not None and staff.may_open(kind)
