"""Sending the daily reminder mails: one mail per staff member, municipality and day."""

import datetime
import smtplib
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from husly.common.events import event_record
from husly.reminders.mail import reminder_message
from husly.reminders.models import ReminderDispatch, ReminderOptOut
from husly.reminders.selectors import PersonReminders, reminders_for


@dataclass
class SendReport:
    """Counts only: what the command prints (no names, no addresses)."""

    people: int = 0  # staff with at least one reminder today
    sent: int = 0  # mails sent (in a dry run: that would be sent)
    without_email: int = 0
    already_sent: int = 0
    refused: int = 0  # the mail server refused the address (sent by the next run)
    due_soon: int = 0  # reminders in the mails sent
    overdue: int = 0


@transaction.atomic
def reminder_mails_choose(*, user, wanted: bool) -> bool:
    """The staff member turns their reminder mails on or off; True when it changed."""
    if wanted:
        changed, _detail = ReminderOptOut.objects.filter(user=user).delete()
    else:
        _row, changed = ReminderOptOut.objects.get_or_create(
            user=user, defaults={"since": timezone.now()})
    if changed:
        event_record(name="reminders.turned_on" if wanted else "reminders.turned_off",
                     actor=user, target=user)
    return bool(changed)


@transaction.atomic
def reminder_dispatch_claim(*, municipality, person: PersonReminders,
                            today: datetime.date) -> ReminderDispatch | None:
    """Record that the person's mail of the day goes out now; None if it already has."""
    try:
        with transaction.atomic():
            return ReminderDispatch.objects.create(
                municipality=municipality, user=person.user, day=today,
                sent_at=timezone.now(), due_soon=len(person.due_soon),
                overdue=len(person.overdue))
    except IntegrityError:
        return None


@transaction.atomic
def reminder_dispatch_release(*, dispatch: ReminderDispatch) -> None:
    """Sending failed: remove the claim, so the next run sends the mail."""
    ReminderDispatch.objects.filter(pk=dispatch.pk).delete()


@transaction.atomic
def reminder_sent_record(*, dispatch: ReminderDispatch, person: PersonReminders) -> None:
    # The kinds and counts only: no resident, no link.
    event_record(name="reminders.sent", actor=None, target=dispatch,
                 changes={"user": dispatch.user_id, "day": dispatch.day,
                          "due_soon": dispatch.due_soon, "overdue": dispatch.overdue,
                          "kinds": person.kinds})


def reminder_mail_send(*, municipality, person: PersonReminders, today: datetime.date,
                       connection=None) -> bool:
    """Send one staff member their mail of the day; False when it was sent already.

    The claim is committed before the mail goes out and no transaction is held while the
    mail server answers; a failed send removes the claim and raises, so the mail is sent by
    the next run, and a mail is never sent twice."""
    message = reminder_message(municipality=municipality, person=person, today=today,
                               connection=connection)
    dispatch = reminder_dispatch_claim(municipality=municipality, person=person, today=today)
    if dispatch is None:
        return False
    try:
        message.send()
    except Exception:
        reminder_dispatch_release(dispatch=dispatch)
        raise
    reminder_sent_record(dispatch=dispatch, person=person)
    return True


def reminders_send(*, municipality, today: datetime.date, dry_run: bool = False,
                   connection=None) -> SendReport:
    """Send every staff member of the municipality with a deadline tomorrow or overdue one
    mail with all of them. Staff without an e-mail address are counted and skipped; a
    second run on the same day sends nothing again. A dry run sends and records nothing."""
    report = SendReport()
    people = reminders_for(municipality=municipality, today=today)
    already = set(ReminderDispatch.objects.filter(municipality=municipality, day=today)
                  .values_list("user_id", flat=True))
    own_connection = bool(people) and not dry_run and connection is None
    if own_connection:
        # One connection to the mail server for the whole run.
        connection = get_connection()
        connection.open()
    try:
        _send_each(people, already, report, municipality=municipality, today=today,
                   dry_run=dry_run, connection=connection)
    finally:
        if own_connection:
            connection.close()
    return report


def _send_each(people, already, report, *, municipality, today, dry_run, connection):
    for person in people:
        report.people += 1
        if not person.user.email:
            report.without_email += 1
            continue
        if person.user.pk in already:
            report.already_sent += 1
            continue
        try:
            sent = dry_run or reminder_mail_send(municipality=municipality, person=person,
                                                 today=today, connection=connection)
        except smtplib.SMTPRecipientsRefused:
            # One bad address must not hold back the others; a server that does not answer
            # stops the run (the exception goes on to the command).
            report.refused += 1
            continue
        if sent:
            report.sent += 1
            report.due_soon += len(person.due_soon)
            report.overdue += len(person.overdue)
        else:
            report.already_sent += 1
