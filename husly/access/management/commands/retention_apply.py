from django.core.management.base import BaseCommand

from husly.access.services import retention_apply
from husly.common.models import Municipality


class Command(BaseCommand):
    help = "Anonymise residents whose retention period has passed; mark archive records kept."

    def handle(self, *args, **options):
        for municipality in Municipality.objects.order_by("number"):
            result = retention_apply(municipality=municipality)
            # Counts only: never names or numbers in the output.
            self.stdout.write(f"{municipality.number}: {result['anonymised']} anonymised, "
                              f"{result['preserved']} marked to be kept")
