from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from husly.demo.builder import DEMO_PASSWORD, DEMO_STAFF, demo_build, demo_exists


class Command(BaseCommand):
    help = "Create the demo municipality (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=400)

    def handle(self, *args, residents, **options):
        if not settings.HUSLY_ALLOW_SYNTHETIC_IDS:
            raise CommandError("The demo uses synthetic identities: set HUSLY_DEMO=1.")
        if demo_exists():
            self.stdout.write("Demo kommune finnes allerede; bruker den.")
        else:
            self.stdout.write("Lager Demo kommune (tar et halvt minutt) ...")
            demo_build(residents=residents)
        with translation.override("nb"):
            self.stdout.write(f"\nInnlogging i demoen (passord for alle: {DEMO_PASSWORD}):")
            for username, *_names, role, _unit, _health, _cleared in DEMO_STAFF:
                self.stdout.write(f"  {username:<11} {role.label}")
