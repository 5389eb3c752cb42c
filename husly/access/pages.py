"""What every page about one resident shares: the refusal a staff member without a work
relation gets, with emergency access for those who may use it."""

from django.shortcuts import render

from husly.access.policy import may_break_glass


def resident_refused(request, resident, access):
    """No work relation: the reason, and emergency access for those who may use it."""
    return render(request, "access/resident_denied.html", {
        "reason": access.denied_reason, "resident": resident,
        "may_break_glass": may_break_glass(request.staff, access)}, status=403)
