"""Step-up (issue #18 item 1): the acts that decide careers or issue papers ask for a fresh second factor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .second_factor import enforced, second_factor_enrolled, second_factor_required, step_up_fresh


def step_up_refusal(request: HttpRequest, *, back: str | None = None) -> HttpResponse | None:
    """None if the caller may go on; otherwise a response sending them to enter a code, after which they come
    back to `back` (the page they posted from) and post again. Applies to whoever has or needs a second
    factor, when it is enforced."""
    user = request.user
    if not enforced() or not user.is_authenticated:
        return None
    if not (second_factor_required(user) or second_factor_enrolled(user)):
        return None
    if step_up_fresh(request):
        return None
    if back is None:
        referer = request.headers.get("Referer", "")
        allowed = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        back = referer if allowed and referer else reverse("home")
    url = reverse("accounts:second_factor_verify") + "?" + urlencode({"next": back, "step_up": "1"})
    messages.warning(
        request, _("Việc này cần nhập lại mã xác thực hai lớp. Sau khi xác thực, hãy thực hiện lại.")
    )
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
