from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.lockout import client_ip
from accounts.permissions import step_up_refusal
from common.types import AuthenticatedHttpRequest
from common.uploads import upload_scanned
from documents.models import Document

from . import services
from .errors import SigningError
from .forms import CertificateRegisterForm, SignedFileForm, VerifyForm
from .models import SignatureRole, SignedVersion, SigningCertificate, SigningMethod, VerificationRequest
from .permissions import (
    get_document_for_signatures,
    may_register_certificates,
    may_sign,
    plugin_grant,
    plugin_token,
    signer_name_of,
)
from .selectors import latest_version_number, next_role, signature_panel, verification_of, version_bytes

# The plugin's two calls (vgcaplugin.js): the person approves, the records clerk issues with the seal.
PLUGIN_CALLS: dict[str, str] = {
    SignatureRole.APPROVAL: "vgca_sign_approved",
    SignatureRole.ORGANISATION: "vgca_sign_issued",
}


def _signing_offer(request: AuthenticatedHttpRequest, document: Document) -> dict[str, object] | None:
    """What the page offers the visitor to sign now, if anything: the role owed, the plugin's URLs, the form."""
    role = next_role(document)
    if role is None or not may_sign(request.user, document, role):
        return None
    version = latest_version_number(document)
    token = plugin_token(request.user, document, role, version)
    # The plugin fetches and posts from outside the browser: it needs the portal's public address.
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return {
        "role": role,
        "plugin_call": PLUGIN_CALLS[role],
        "file_url": base + reverse("signing:plugin_file", kwargs={"token": token}),
        "upload_url": base + reverse("signing:plugin_upload", kwargs={"token": token}),
        "version": version,
        "on_server": role == SignatureRole.ORGANISATION and settings.SIGNING_ORGANISATION_SIGNS_ON_SERVER,
        "form": SignedFileForm(
            action=reverse("signing:signed_upload", kwargs={"pk": document.pk, "role": role}),
            submit=_("Gửi tệp đã ký"),
        ),
    }


@require_GET
def document_signatures(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """An issued paper's page: its signatures as a PDF reader's panel shows them, its versions, what is owed."""
    document = get_document_for_signatures(request.user, pk)
    context = {
        "document": document,
        "signer_name": signer_name_of(document),
        "rows": signature_panel(document),
        "versions": list(SignedVersion.objects.filter(document=document).order_by("number")),
        "owed": next_role(document),
        "offer": _signing_offer(request, document),
        "plugin_script": settings.SIGNING_PLUGIN_SCRIPT,
    }
    return render(request, "signing/document_signatures.html", context)


def _pdf_response(data: bytes, filename: str) -> FileResponse:
    from io import BytesIO

    return FileResponse(BytesIO(data), as_attachment=True, filename=filename, content_type="application/pdf")


@require_GET
def version_download(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponseBase:
    document = get_document_for_signatures(request.user, pk)
    if number > latest_version_number(document):
        raise Http404
    name = document.filename.removesuffix(".pdf")
    return _pdf_response(
        version_bytes(document, number), f"{name}-ky-so-{number}.pdf" if number else document.filename
    )


def _uploaded_bytes(upload: UploadedFile | None) -> bytes:
    """The file's bytes, refusing an oversized one before reading it."""
    if upload is None:
        raise SigningError(_("Chưa chọn tệp."))
    limit = settings.SIGNING_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise SigningError(_("Tệp lớn quá %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    # ClamAV, where configured, as for every other upload (common/uploads.py).
    upload_scanned(upload, error=SigningError)
    upload.seek(0)
    return bytes(upload.read(limit + 1))


@require_POST
def signed_upload(request: AuthenticatedHttpRequest, pk: int, role: str) -> HttpResponseBase:
    """The fallback without the plugin: the signer downloads the latest version, signs it with their own software
    and uploads the result here."""
    document = get_document_for_signatures(request.user, pk)
    if role not in SignatureRole.values:
        raise Http404
    try:
        data = _uploaded_bytes(request.FILES.get("file"))
        services.signed_pdf_receive(
            document=document, role=role, data=data, by=request.user, method=SigningMethod.UPLOAD
        )
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã nhận chữ ký số và lưu phiên bản mới của văn bản."))
    return redirect("signing:document_signatures", pk=document.pk)


@require_POST
def organisation_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The records clerk has the portal sign for the organisation with the key it holds."""
    document = get_document_for_signatures(request.user, pk)
    back = reverse("signing:document_signatures", kwargs={"pk": document.pk})
    # Issue #18: no token PIN protects this key, so the clerk's second factor must be fresh.
    if (refused := step_up_refusal(request, back=back)) is not None:
        return refused
    try:
        services.organisation_sign_on_server(document=document, by=request.user)
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ký số của cơ quan lên văn bản."))
    return redirect(back)


@login_not_required
@require_GET
def plugin_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """The PDF the plugin signs (`FileName`): the version the token names, while it is still the latest."""
    grant = plugin_grant(token)
    if grant.version != latest_version_number(grant.document):
        raise Http404
    return _pdf_response(version_bytes(grant.document, grant.version), grant.document.filename)


@login_not_required
@csrf_exempt  # posted by the plugin program, not a browser form: the signed token is the credential
@require_POST
def plugin_upload(request: HttpRequest, token: str) -> HttpResponseBase:
    """`FileUploadHandler`: the plugin posts the signed file here and shows the user our answer (`Status` 0 is
    success, as the plugin expects)."""
    grant = plugin_grant(token)
    # The plugin names its file field as its vendor chose: take the one file sent.
    name = next(iter(request.FILES), None)
    upload = request.FILES.get(name) if name else None
    try:
        data = _uploaded_bytes(upload)
        services.signed_pdf_receive(
            document=grant.document, role=grant.role, data=data, by=grant.user, method=SigningMethod.PLUGIN
        )
    except SigningError as exc:
        return JsonResponse({"Status": 1, "Message": str(exc)}, status=400)
    return JsonResponse(
        {"Status": 0, "Message": _("Đã nhận chữ ký số và lưu phiên bản mới của văn bản."), "FileServer": ""}
    )


def _verification_refused(request: HttpRequest) -> bool:
    since = timezone.now() - timedelta(minutes=settings.SIGNING_VERIFY_WINDOW_MINUTES)
    recent = VerificationRequest.objects.filter(address=client_ip(request), at__gte=since).count()
    return recent >= settings.SIGNING_VERIFY_PER_WINDOW


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponseBase:
    """The public verification page: is this PDF one the portal issued, unchanged, and who signed it?"""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result, error, status = None, "", 200
    if request.method == "POST":
        if _verification_refused(request):
            error, status = (
                _("Bạn đã xác minh quá nhiều tệp trong thời gian ngắn. Hãy thử lại sau ít phút."),
                429,
            )
        elif form.is_valid():
            try:
                data = _uploaded_bytes(form.cleaned_data["file"])
                if not data.startswith(b"%PDF-"):
                    raise SigningError(_("Tệp không phải PDF."))
            except SigningError as exc:
                error, status = str(exc), 400
            else:
                result = verification_of(data)
            VerificationRequest.objects.create(
                address=client_ip(request), matched=result is not None and result.document is not None
            )
    response: HttpResponse = render(
        request, "signing/verify.html", {"form": form, "result": result, "error": error}, status=status
    )
    return response


@require_http_methods(["GET", "POST"])
def certificate_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Home Affairs' list of whose certificate is whose, and the form to register one."""
    if not may_register_certificates(request.user):
        raise PermissionDenied
    form = CertificateRegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_register(
                by=request.user,
                certificate=_uploaded_bytes(form.cleaned_data["certificate"]),
                holder=form.cleaned_data["holder"],
                holder_name=form.cleaned_data["holder_name"],
                user=form.cleaned_data["user"],
                organisation=form.cleaned_data["organisation"],
            )
        except SigningError as exc:
            form.add_error("certificate", str(exc))
        else:
            messages.success(request, _("Đã đăng ký chứng thư số."))
            return redirect("signing:certificate_list")
    certificates = SigningCertificate.objects.select_related("user", "organisation").order_by(
        "-active", "holder_name"
    )
    return render(request, "signing/certificate_list.html", {"form": form, "certificates": certificates})


@require_POST
def certificate_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    if not may_register_certificates(request.user):
        raise PermissionDenied
    certificate = get_object_or_404(SigningCertificate, pk=pk)
    services.certificate_withdraw(certificate=certificate, by=request.user)
    messages.success(
        request, _("Đã ngừng dùng chứng thư số của %(holder)s.") % {"holder": certificate.holder_name}
    )
    return redirect("signing:certificate_list")
