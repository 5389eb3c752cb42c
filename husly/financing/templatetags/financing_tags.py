"""The financing section on the resident's page, and the link to the caseload: thin
adapters so those pages need only one include line each. The reads are in `selectors`."""

from django import template

from husly.financing import selectors

register = template.Library()


@register.inclusion_tag("financing/_resident_section_body.html", takes_context=True)
def financing_resident_section(context):
    request = context["request"]
    section = selectors.resident_section(staff=request.staff, resident=context["resident"],
                                         access=context["access"])
    return {"section": section, "resident": context["resident"], "request": request}


@register.inclusion_tag("financing/_caseload_link_body.html", takes_context=True)
def financing_caseload_link(context):
    staff = getattr(context.get("request"), "staff", None)
    return {"shown": staff is not None and staff.may_open("financing")}
