from django.core.management.base import BaseCommand

from husly.common.backups import database_ensure


class Command(BaseCommand):
    help = "Create the PostgreSQL database of DATABASE_URL if it does not exist (make demo)."

    def handle(self, *args, **options):
        if database_ensure():
            self.stdout.write("Databasen er opprettet.")
