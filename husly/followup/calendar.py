"""The personal calendar feed (iCalendar). It carries when and where, and whose visit it is;
never health information, notes or plans, and no address or name for a protected address."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from husly.followup.models import Visit, VisitStatus


def calendar_for(user, *, today=None) -> bytes:
    return calendar_named(user, today=today)[0]


def calendar_named(user, *, today=None) -> tuple[bytes, list]:
    """The feed, and the residents it names (for the list-read log)."""
    today = today or timezone.localdate()
    named = []
    cal = Calendar()
    cal.add("prodid", "-//Husly//Kalender//NO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Husly")
    visits = (Visit.objects.filter(assigned_to=user, status=VisitStatus.PLANNED,
                                   planned_on__range=(today - datetime.timedelta(days=14),
                                                      today + datetime.timedelta(weeks=8)))
              .select_related("agreement__resident", "agreement__tenancy__dwelling"))
    for visit in visits:
        resident = visit.agreement.resident
        event = Event()
        event.add("uid", f"visit-{visit.pk}@husly")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", visit.planned_on)
        event.add("dtend", visit.planned_on + datetime.timedelta(days=1))
        if resident.has_protected_address:
            event.add("summary", _("Weekly visit (protected)"))
        else:
            event.add("summary", _("Weekly visit: %(name)s") % {"name": resident.full_name})
            named.append(resident)
            event.add("location", visit.agreement.tenancy.dwelling.address)
        cal.add_component(event)
    return cal.to_ical(), named
