"""`{% load guidance %}{% guidance "agreement" %}`: the method text for a place in the
workflow, for the municipality the signed-in user works in. Only calls the selector."""

from django import template

from husly.guidance.selectors import guidance_for

register = template.Library()


@register.inclusion_tag("guidance/_in_context.html", takes_context=True)
def guidance(context, place: str):
    staff = context.get("staff") or getattr(context.get("request"), "staff", None)
    return {"texts": guidance_for(municipality=getattr(staff, "municipality", None),
                                  place=place)}
