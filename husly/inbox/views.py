"""The inbox page and its three buttons: take, give to a colleague, hand back."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.services import list_read_record
from husly.accounts.models import User
from husly.common.views import service_call
from husly.inbox import selectors, services


@page("inbox")
def inbox(request):
    context = selectors.inbox_for(staff=request.staff)
    # Items name their resident only where the reader works with them (inbox_names).
    list_read_record(staff=request.staff, view=ListKind.INBOX, residents=[
        item.resident_id for item in context["items"] + context["escalated"]
        if item.resident_name])
    return render(request, "inbox/inbox.html", context)


def _item(request):
    try:
        pk = int(request.POST.get("pk", ""))
        unit = request.POST.get("unit") or None
        unit_id = int(unit) if unit else None
    except ValueError:
        raise Http404 from None
    item = selectors.inbox_item_find(staff=request.staff, kind=request.POST.get("kind", ""),
                                     pk=pk, unit_id=unit_id)
    if item is None:
        raise Http404
    return item


@require_POST
@page("inbox")
def take(request):
    item = _item(request)
    service_call(request, lambda: services.inbox_item_take(item=item, by=request.user),
                 _("You have taken it. The others in the unit see that it is yours."))
    return redirect("inbox:inbox")


@require_POST
@page("inbox")
def give(request):
    item = _item(request)
    to = User.objects.filter(pk=request.POST.get("to") or None, is_active=True).first()
    if to is None:
        messages.error(request, _("Choose a colleague."))
    else:
        service_call(request, lambda: services.inbox_item_give(item=item, to=to,
                                                               by=request.user),
                     _("Given to %(name)s.") % {"name": to})
    return redirect("inbox:inbox")


@require_POST
@page("inbox")
def release(request):
    item = _item(request)
    service_call(request, lambda: services.inbox_item_release(item=item, by=request.user),
                 _("Handed back to the unit."))
    return redirect("inbox:inbox")
