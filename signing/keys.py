"""The organisation's key held by the portal (SIGNING_ORGANISATION_SIGNS_ON_SERVER), behind pyHanko's Signer:
a PKCS#12 file with its passphrase, or a PKCS#11 token (HSM or USB token on the server) when its module is set."""

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign import signers

from .errors import SigningError


def _pkcs11_signer() -> signers.Signer:
    # Optional: needs `pip install python-pkcs11` (pyhanko[pkcs11]) and the vendor's PKCS#11 module.
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    session = pkcs11.open_pkcs11_session(
        settings.SIGNING_ORGANISATION_PKCS11_MODULE,
        token_criteria=TokenCriteria(label=settings.SIGNING_ORGANISATION_PKCS11_TOKEN or None),
        user_pin=settings.SIGNING_ORGANISATION_PKCS11_PIN or None,
    )
    return pkcs11.PKCS11Signer(session, key_label=settings.SIGNING_ORGANISATION_PKCS11_KEY or None)


def server_signer() -> signers.Signer:
    """The configured key, or SigningError saying what is missing."""
    if settings.SIGNING_ORGANISATION_PKCS11_MODULE:
        return _pkcs11_signer()
    path = settings.SIGNING_ORGANISATION_PKCS12
    if not path:
        raise SigningError(_("Chưa cấu hình khóa ký số của cơ quan trên máy chủ."))
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        path, passphrase=settings.SIGNING_ORGANISATION_PKCS12_PASSPHRASE.encode() or None
    )
    if signer is None:
        raise SigningError(_("Không mở được tệp khóa ký số của cơ quan (sai mật khẩu hoặc tệp hỏng)."))
    return signer
