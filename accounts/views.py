"""The second factor's pages and the person's sessions (issue #18 items 1 and 8)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.types import AuthenticatedHttpRequest

from . import services
from .forms import SecondFactorVerifyForm, TotpEnrolForm
from .permissions import step_up_refusal
from .second_factor import (
    recovery_codes_issue,
    remember_device_set,
    second_factor_enrolled,
    second_factor_required,
    totp_device_for_enrolment,
    totp_enrol_confirm,
    totp_qr_svg,
    totp_secret_text,
)
from .second_factor import second_factor_verify as code_verify
from .selectors import active_sessions


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@require_http_methods(["GET", "POST"])
def second_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Scan the QR code (or type the key), confirm with a code; the recovery codes are shown once."""
    if second_factor_enrolled(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
        # Replacing a device needs the current one first.
        return redirect(
            reverse("accounts:second_factor_verify") + "?next=" + reverse("accounts:second_factor_enrol")
        )
    device = totp_device_for_enrolment(request.user)
    form = TotpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrol_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error("token", _("Mã không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã mới."))
    context = {
        "form": form,
        "qr_svg": totp_qr_svg(device),
        "secret": totp_secret_text(device),
        "required": second_factor_required(request.user),
        "replacing": second_factor_enrolled(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@require_http_methods(["GET", "POST"])
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not second_factor_enrolled(request.user):
        return redirect(reverse("accounts:second_factor_enrol") + "?next=" + _next_url(request))
    form = SecondFactorVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = code_verify(request, form.cleaned_data["token"])
        if device is not None:
            response = redirect(_next_url(request))
            if form.cleaned_data["remember"]:
                remember_device_set(response, request.user, device)
            return response
        form.add_error("token", _("Mã không đúng hoặc đã dùng. Hãy nhập mã mới."))
    context = {"form": form, "next": _next_url(request), "step_up": request.GET.get("step_up") == "1"}
    return render(request, "accounts/second_factor_verify.html", context)


@require_POST
def recovery_codes_renew(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """New recovery codes replace the old ones; asks for a fresh code first."""
    if not second_factor_enrolled(request.user):
        messages.error(request, _("Hãy bật xác thực hai lớp trước."))
        return redirect("accounts:session_list")
    refused = step_up_refusal(request, back=reverse("accounts:session_list"))
    if refused is not None:
        return refused
    codes = recovery_codes_issue(request.user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:session_list")}
    )


def session_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    context = {
        "sessions": active_sessions(request.user),
        "current_key": request.session.session_key,
        "enrolled": second_factor_enrolled(request.user),
        "required": second_factor_required(request.user),
    }
    return render(request, "accounts/session_list.html", context)


@require_POST
def sessions_end_others(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    ended = services.sessions_end_others(
        user=request.user, keep_session_key=request.session.session_key or ""
    )
    messages.success(request, _("Đã kết thúc %(n)d phiên đăng nhập khác.") % {"n": ended})
    return redirect("accounts:session_list")
