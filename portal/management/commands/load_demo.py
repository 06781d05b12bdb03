from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the invented demo province (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if not settings.PORTAL_DEMO_ALLOWED:
            raise CommandError("Demo data is refused on these settings (PORTAL_DEMO_ALLOWED is off).")
        logins = load_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in logins.items():
            self.stdout.write(f"  {username:<10} {role}")
