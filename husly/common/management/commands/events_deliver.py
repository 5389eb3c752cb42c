"""Retry the event deliveries that failed or were left behind by a crash (ADR 0031).

Run by husly-events.timer every five minutes; safe to run by hand or twice at once."""

from django.core.management.base import BaseCommand

from husly.common.events import deliveries_due, delivery_run


class Command(BaseCommand):
    help = "Deliver domain events to the subscribers that have not yet run them."

    def handle(self, *args, **options):
        delivered = failed = 0
        for delivery in deliveries_due():
            if delivery_run(delivery):
                delivered += 1
            else:
                failed += 1
        self.stdout.write(f"delivered {delivered}, still failing {failed}")
