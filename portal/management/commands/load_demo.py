from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import (
    DEMO_RECOVERY_CODES,
    demo_second_factor_set,
    demo_totp_key_base32,
    second_factor_required,
)
from portal.demo import DEMO_PASSWORD, DEMO_SIGNING_PASSPHRASE, demo_signing_set, load_demo


class Command(BaseCommand):
    help = "Load the invented demo province (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-papers",
            action="store_true",
            help="Do not render the cycles' conference papers (faster; the tests that do not read them).",
        )

    def handle(self, *args, **options):
        if not settings.PORTAL_DEMO_ALLOWED:
            raise CommandError("Demo data is refused on these settings (PORTAL_DEMO_ALLOWED is off).")
        logins = load_demo(papers=not options["without_papers"])
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in logins.items():
            self.stdout.write(f"  {username:<10} {role}")
        # Issue #18: every role other than "official" needs a second factor. DEMO ONLY: one shared TOTP key and
        # fixed recovery codes, reset at each load.
        needing = [
            user
            for user in get_user_model().objects.filter(username__in=list(logins))
            if second_factor_required(user)
        ]
        for user in needing:
            demo_second_factor_set(user)
        self.stdout.write(
            "Second factor for "
            + ", ".join(user.username for user in needing)
            + " (DEMO ONLY, never in production):\n"
            + f"  add this key to an authenticator app: {demo_totp_key_base32()}\n"
            + f"  or use a recovery code once per load: {', '.join(DEMO_RECOVERY_CODES)}"
        )
        # Issue #17, DEMO ONLY: a test CA, the chair's and the province's certificates, server signing on.
        files = demo_signing_set(settings.SIGNING_DEMO_DIR)
        self.stdout.write(
            "Digital signatures (DEMO ONLY, a throw-away test CA): the province signs on the server; the chair's "
            f"key to sign an approval with any PAdES tool: {files['chutich.p12']} "
            f"(passphrase {DEMO_SIGNING_PASSPHRASE}), or `manage.py demo_sign_approval <document id>`."
        )
