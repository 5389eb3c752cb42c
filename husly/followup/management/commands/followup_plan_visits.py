from django.core.management.base import BaseCommand

from husly.common.models import Municipality
from husly.followup.services import visits_generate


class Command(BaseCommand):
    help = "Plan the weekly visits of every running follow-up agreement ahead (run daily)."

    def handle(self, *args, **options):
        for municipality in Municipality.objects.all():
            count = visits_generate(municipality=municipality)
            self.stdout.write(f"{municipality}: {count}")
