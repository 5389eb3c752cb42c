"""The staff member's own choice of reminder mails; access is decided in husly.access."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from husly.access.decorators import page
from husly.reminders import selectors, services


@page("signed_in")
def reminder_settings(request):
    user = request.staff.user
    if request.method == "POST":
        wanted = request.POST.get("wanted") == "1"
        services.reminder_mails_choose(user=user, wanted=wanted)
        messages.success(request, _("You get the daily reminder mail.") if wanted else
                         _("You no longer get the daily reminder mail."))
        return redirect("reminders:settings")
    return render(request, "reminders/settings.html", {
        "wanted": selectors.reminder_mails_wanted(user=user),
        "has_email": bool(user.email),
    })
