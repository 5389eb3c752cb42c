"""The reminder mail, in the municipality's written language. It names the kind of each
deadline, its date and a link into Husly; never a resident, a case or a note."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from husly.reminders.models import ReminderKind
from husly.reminders.selectors import PersonReminders, Reminder, reminder_window


def _absolute(path: str) -> str:
    return settings.HUSLY_BASE_URL.rstrip("/") + path


def _weekday(day: datetime.date) -> str:
    return date_format(day, "l")


def _when(reminder: Reminder) -> str:
    day = date_format(reminder.on, "DATE_FORMAT")
    if reminder.kind == ReminderKind.MISSED_VISITS:
        return _("since the week of %(date)s") % {"date": day}
    if reminder.kind == ReminderKind.ESCALATED:
        return _("due %(date)s, held by %(holder)s") % {"date": day, "holder": reminder.holder}
    return _("due %(date)s") % {"date": day}


def reminder_subject(*, due_soon: int, overdue: int, today: datetime.date) -> str:
    """Neutral: "Husly: 3 frister i morgen og 1 forfalt"."""
    first, last = reminder_window(today)
    if first == last:
        soon = ngettext("%(count)s deadline tomorrow", "%(count)s deadlines tomorrow",
                        due_soon) % {"count": due_soon}
    else:
        soon = ngettext("%(count)s deadline by %(weekday)s", "%(count)s deadlines by %(weekday)s",
                        due_soon) % {"count": due_soon, "weekday": _weekday(last)}
    if due_soon and overdue:
        late = ngettext("%(count)s overdue", "%(count)s overdue", overdue) % {"count": overdue}
        return _("Husly: %(soon)s and %(late)s") % {"soon": soon, "late": late}
    if overdue:
        return _("Husly: %(late)s") % {"late": ngettext(
            "%(count)s overdue deadline", "%(count)s overdue deadlines", overdue) % {
            "count": overdue}}
    return _("Husly: %(soon)s") % {"soon": soon}


def reminder_message(*, municipality, person: PersonReminders, today: datetime.date,
                     connection=None) -> EmailMultiAlternatives:
    with translation.override(municipality.written_language):
        first, last = reminder_window(today)
        if first == last:
            soon_heading = _("Due tomorrow, %(date)s") % {
                "date": date_format(last, "DATE_FORMAT")}
        else:
            soon_heading = _("Due by %(weekday)s %(date)s") % {
                "weekday": _weekday(last), "date": date_format(last, "DATE_FORMAT")}

        def rows(reminders):
            return [{"label": r.label, "when": _when(r), "url": _absolute(r.path)}
                    for r in reminders]

        context = {
            "first_name": person.user.first_name or person.user.username,
            "municipality": municipality, "soon_heading": soon_heading,
            "due_soon": rows(person.due_soon), "overdue": rows(person.overdue),
            "husly_url": _absolute("/"), "language": municipality.written_language,
            "settings_url": _absolute(reverse("reminders:settings")),
        }
        subject = reminder_subject(due_soon=len(person.due_soon),
                                   overdue=len(person.overdue), today=today)
        text = render_to_string("reminders/mail.txt", context)
        html = render_to_string("reminders/mail.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text,
                                     from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=[person.user.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message
