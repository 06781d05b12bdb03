from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from pyhanko.sign import signers

from documents.models import Document
from portal.demo import DEMO_SIGNING_PASSPHRASE
from signing.errors import SigningError
from signing.models import SignatureRole, SigningMethod
from signing.services import signature_make, signed_pdf_receive


class Command(BaseCommand):
    help = "DEMO ONLY: sign an issued notice's approval with the demo chair's key, as the USB token plugin would."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("document_id", type=int)

    def handle(self, *args: object, **options: Any) -> None:
        if not settings.PORTAL_DEMO_ALLOWED:
            raise CommandError("Demo data is refused on these settings (PORTAL_DEMO_ALLOWED is off).")
        path = settings.SIGNING_DEMO_DIR / "chutich.p12"
        if not path.exists():
            raise CommandError("Run load_demo first: it writes the demo keys.")
        signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
            str(path), passphrase=DEMO_SIGNING_PASSPHRASE.encode()
        )
        chair = get_user_model().objects.get(username="chutich")
        document = Document.objects.get(pk=options["document_id"])
        try:
            data = signature_make(
                document=document,
                role=SignatureRole.APPROVAL,
                signer=signer,
                signer_name=chair.get_full_name(),
            )
            signed_pdf_receive(
                document=document,
                role=SignatureRole.APPROVAL,
                data=data,
                by=chair,
                method=SigningMethod.UPLOAD,
            )
        except SigningError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Signed: {document} (approval by {chair.get_full_name()}).")
