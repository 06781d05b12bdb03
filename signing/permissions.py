"""Who sees a paper's signatures and who signs it.

Seeing: whoever may download the issued paper (documents.permissions). Signing (Decree 30/2020 Art. 13(7),
17(2)): the approval only by the person the paper names under its signature block, with their own registered
certificate; the organisation's signature by its records clerk — the provincial office (Văn phòng UBND) for the
authority's notices, Home Affairs for its own report.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from documents.models import Document, DocumentKind
from documents.permissions import documents_visible_to
from officials.permissions import roles_of

from .models import CertificateHolder, SignatureRole, SigningCertificate

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from common.types import AnyUser

# The papers with one signature block naming one signer (their data's "signature"); minutes carry two.
SIGNED_KINDS = (DocumentKind.NOTICE, DocumentKind.REPORT)


def signer_name_of(document: Document) -> str:
    """The name printed under the paper's signature block."""
    signature = document.data.get("signature") or {}
    return str(signature.get("name", "")).strip()


def same_name(first: str, second: str) -> bool:
    def normal(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return bool(first.strip()) and normal(first) == normal(second)


def signable(document: Document) -> bool:
    return not document.is_draft and document.number is not None and document.kind in SIGNED_KINDS


def get_document_for_signatures(user: AnyUser, pk: int) -> Document:
    """An issued paper the user may see, with signatures (404 for anything else, so nothing leaks)."""
    document: Document | None = (
        documents_visible_to(user)
        .select_related("issuer", "cycle", "evaluation__enrolment")
        .filter(pk=pk)
        .first()
    )
    if document is None or not signable(document):
        raise Http404
    return document


def approval_certificates(user: AnyUser, document: Document) -> list[SigningCertificate]:
    """The user's own active certificates that may approve this paper: theirs, and the paper names them."""
    if not user.is_authenticated:
        return []
    return [
        certificate
        for certificate in SigningCertificate.objects.filter(
            holder=CertificateHolder.PERSON, user_id=user.pk, active=True
        )
        if same_name(certificate.holder_name, signer_name_of(document))
    ]


def may_sign_for_organisation(user: AnyUser, document: Document) -> bool:
    """The records clerk of the issuer: the provincial office for the authority's papers, Home Affairs for its
    report (Decree 30/2020 Art. 17(2))."""
    roles = roles_of(user)
    if document.kind == DocumentKind.REPORT:
        return roles.is_home_affairs
    return roles.is_office_staff


def may_sign(user: AnyUser, document: Document, role: str) -> bool:
    if role == SignatureRole.APPROVAL:
        return bool(approval_certificates(user, document))
    if role == SignatureRole.ORGANISATION:
        return may_sign_for_organisation(user, document)
    return False


def may_register_certificates(user: AnyUser) -> bool:
    """Home Affairs keeps the list of whose certificate is whose; the administrator too (in the admin)."""
    roles = roles_of(user)
    return roles.is_home_affairs or roles.is_administrator


# The signing plugin is a program on the signer's computer: it fetches the PDF and posts the signed file itself,
# without the browser's session. The page hands it URLs carrying a signed, short-lived token saying who asked to
# sign which version of which paper in which role; the upload acts as that person and is checked again.
PLUGIN_TOKEN_SALT = "signing.plugin"


@dataclass(frozen=True)
class PluginGrant:
    user: User
    document: Document
    role: str
    version: int


def plugin_token(user: AnyUser, document: Document, role: str, version: int) -> str:
    return signing.dumps({"u": user.pk, "d": document.pk, "r": role, "v": version}, salt=PLUGIN_TOKEN_SALT)


def plugin_grant(token: str) -> PluginGrant:
    """The grant a token carries, or 404 (forged, expired, or for a person or paper no longer there)."""
    try:
        payload = signing.loads(token, salt=PLUGIN_TOKEN_SALT, max_age=settings.SIGNING_PLUGIN_TOKEN_SECONDS)
        user = get_user_model().objects.get(pk=int(payload["u"]), is_active=True)
        document = Document.objects.get(pk=int(payload["d"]))
        role, version = str(payload["r"]), int(payload["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, ObjectDoesNotExist) as exc:
        raise Http404 from exc
    if not signable(document) or not may_sign(user, document, role):
        raise Http404
    return PluginGrant(user=user, document=document, role=role, version=version)
