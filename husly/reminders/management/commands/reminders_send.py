"""Send the daily reminder mails (run each morning by a timer; docs/decisions/0028)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from husly.common.businessdays import is_business_day
from husly.common.models import Municipality
from husly.reminders.selectors import reminder_window
from husly.reminders.services import reminders_send


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r}: give the date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = ("Send each staff member one e-mail with their deadlines due by the next business "
            "day and those overdue. Runs on business days only; a second run on the same day "
            "sends nothing again. Prints counts only.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to send for (YYYY-MM-DD); default today "
                                           "in Europe/Oslo.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would be sent; send and record nothing.")
        parser.add_argument("--municipality", metavar="NUMBER",
                            help="Only this municipality (kommunenummer); default all.")

    def handle(self, *args, date=None, dry_run=False, municipality=None, **options):
        today = _date(date) if date else timezone.localdate()
        municipalities = Municipality.objects.order_by("number")
        if municipality:
            municipalities = municipalities.filter(number=municipality)
            if not municipalities.exists():
                raise CommandError(f"No municipality has the number {municipality!r}.")
        if not is_business_day(today):
            self.stdout.write(f"{today.isoformat()} is not a business day: no reminders are "
                              "sent.")
            return
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend") and not settings.HUSLY_DEMO:
            self.stderr.write("Warning: the e-mail backend is the console; set EMAIL_HOST to "
                              "send the mails (docs/configuration.md).")
        first, last = reminder_window(today)
        window = (first.isoformat() if first == last
                  else f"{first.isoformat()} to {last.isoformat()}")
        self.stdout.write(f"Reminders for {today.isoformat()}: due {window}, and overdue."
                          + (" Dry run: nothing is sent or recorded." if dry_run else ""))
        verb = "would be sent" if dry_run else "sent"
        failed = []
        for place in municipalities:
            try:
                report = reminders_send(municipality=place, today=today, dry_run=dry_run)
            except Exception as exc:  # reported by its kind only; the command exits 1
                # The message of a mail error can hold addresses: only its kind is printed.
                failed.append(place.number)
                self.stderr.write(f"{place.number}: sending failed ({type(exc).__name__}); "
                                  "the mails not sent go out with the next run.")
                continue
            self.stdout.write(
                f"{place.number}: {report.people} staff with reminders; {report.sent} mails "
                f"{verb}, {report.without_email} without an e-mail address, "
                f"{report.already_sent} already sent today, {report.refused} refused by the "
                f"mail server; {report.due_soon} due soon and {report.overdue} overdue in the "
                "mails.")
        if failed:
            raise CommandError(f"Sending failed for {len(failed)} municipalities.")
