from django.core.management.base import BaseCommand

from husly.imports.services import BATCH_HOURS, import_batches_clear


class Command(BaseCommand):
    help = (f"Clear the cells of uploaded import files older than {BATCH_HOURS} hours "
            "(run daily; every upload also does it).")

    def handle(self, *args, **options):
        self.stdout.write(f"{import_batches_clear()} uploads cleared")
