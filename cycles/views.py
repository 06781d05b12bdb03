from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.types import AuthenticatedHttpRequest
from officials.models import Organisation
from officials.permissions import require_home_affairs

from . import services
from .errors import CycleError
from .forms import (
    CriterionForm,
    EnrolmentHeadForm,
    EnrolmentRulebookForm,
    QuotaExceptionForm,
    QuotaSettingsForm,
    ScoringForm,
)
from .models import AgencyRating
from .permissions import can_see_cycles, cycles_visible_to, get_cycle_for_user
from .rulebooks import Level, small_unit_group_rule
from .selectors import criteria_by_form, cycle_quota_citations


@require_GET
def cycle_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not can_see_cycles(request.user):
        raise PermissionDenied
    return render(
        request,
        "cycles/cycle_list.html",
        {"cycles": cycles_visible_to(request.user).select_related("authority")},
    )


@require_http_methods(["GET", "POST"])
def enrolment_edit(request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int) -> HttpResponseBase:
    """Home Affairs corrects one enrolment's snapshot: whether the person heads their agency, and which rulebook
    rates them when the law allows another (Decree 233/2026 Art. 20(1))."""
    from .models import Enrolment
    from .rulebooks import alternative_rulebooks, get_rulebook, rulebook_for

    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, cycle=cycle)
    default = rulebook_for(cycle.framework, enrolment.personnel_type)
    alternatives = alternative_rulebooks(cycle.framework, enrolment.personnel_type)
    choices = [(default.code, default.name)] + [
        (code, f"{get_rulebook(code).name} ({article})") for code, article in alternatives.items()
    ]
    head_form = EnrolmentHeadForm(
        request.POST if "save_head" in request.POST else None, initial={"is_head": enrolment.is_head}
    )
    rulebook_form = EnrolmentRulebookForm(
        request.POST if "save_rulebook" in request.POST else None,
        choices=choices,
        initial={"rulebook_code": enrolment.rulebook_code, "reason": enrolment.rulebook_reason},
    )
    if request.method == "POST":
        form = head_form if "save_head" in request.POST else rulebook_form
        if form.is_valid():
            try:
                if form is head_form:
                    services.enrolment_head_set(
                        enrolment=enrolment,
                        is_head=form.cleaned_data["is_head"],
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                else:
                    services.enrolment_rulebook_set(
                        enrolment=enrolment,
                        rulebook_code=form.cleaned_data["rulebook_code"],
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
            except CycleError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã lưu thông tin của %(name)s.") % {"name": enrolment.full_name})
                return redirect("portal:cycle_detail", pk=cycle.pk)
    context = {
        "cycle": cycle,
        "enrolment": enrolment,
        "head_form": head_form,
        "rulebook_form": rulebook_form if alternatives else None,
    }
    return render(request, "cycles/enrolment_edit.html", context)


def _criteria_context(cycle, **extra):
    return {
        "cycle": cycle,
        "forms_by_kind": criteria_by_form(cycle),
        "scoring_form": ScoringForm(
            initial={
                "band_htxsnv": cycle.band_htxsnv,
                "band_httnv": cycle.band_httnv,
                "band_htnv": cycle.band_htnv,
                "points_decimal_places": cycle.points_decimal_places,
            }
        ),
        **extra,
    }


@require_GET
def criteria_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The forms of the cycle, which Home Affairs may adapt to the province until the phase opens."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    return render(request, "cycles/criteria_list.html", _criteria_context(cycle))


@require_POST
def criterion_update(request: AuthenticatedHttpRequest, pk: int, criterion_pk: int) -> HttpResponseBase:
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    criterion = get_object_or_404(cycle.criteria, pk=criterion_pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_criterion_update(
                criterion=criterion,
                title=form.cleaned_data["title"],
                max_points=form.cleaned_data["max_points"],
                by=request.user,
            )
            messages.success(request, _("Đã sửa tiêu chí."))
        except CycleError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Tiêu chí không hợp lệ: cần tên và điểm tối đa từ 0 đến 100."))
    return redirect("cycles:criteria_list", pk=cycle.pk)


@require_POST
def scoring_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    form = ScoringForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_scoring_update(cycle=cycle, **form.cleaned_data, by=request.user)
            messages.success(request, _("Đã lưu ngưỡng điểm."))
        except CycleError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Ngưỡng điểm không hợp lệ."))
    return redirect("cycles:criteria_list", pk=cycle.pk)


@require_POST
def phase_toggle(request: AuthenticatedHttpRequest, pk: int, phase_pk: int) -> HttpResponseBase:
    """Home Affairs opens or closes a phase by hand; deadlines are enforced on top of it."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    phase = get_object_or_404(cycle.phases, pk=phase_pk)
    try:
        if request.POST.get("action") == "open":
            services.phase_open(phase=phase, by=request.user)
            messages.success(request, _("Đã mở giai đoạn “%(phase)s”.") % {"phase": phase.get_kind_display()})
        else:
            services.phase_close(phase=phase, by=request.user)
            messages.success(
                request, _("Đã đóng giai đoạn “%(phase)s”.") % {"phase": phase.get_kind_display()}
            )
    except CycleError as exc:
        messages.error(request, str(exc))
    return redirect("portal:cycle_detail", pk=cycle.pk)


@require_http_methods(["GET", "POST"])
def quota_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The quota's rate and rounding, and the outstanding-results exceptions per peer group."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    settings_form = QuotaSettingsForm(
        initial={"rate_percent": (cycle.quota_rate * 100).normalize(), "rounding": cycle.quota_rounding}
    )
    exception_form = QuotaExceptionForm(cycle=cycle)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "exception":
                exception_form = QuotaExceptionForm(request.POST, cycle=cycle)
                if exception_form.is_valid():
                    data = exception_form.cleaned_data
                    services.quota_exception_set(
                        cycle=cycle,
                        peer_group=data["peer_group"],
                        rate=data["rate_percent"] / 100,
                        reason=data["reason"],
                        document=data["document"],
                        by=request.user,
                    )
                    messages.success(request, _("Đã ghi ngoại lệ tỷ lệ HTXSNV."))
                    return redirect("cycles:quota_settings", pk=cycle.pk)
            else:
                settings_form = QuotaSettingsForm(request.POST)
                if settings_form.is_valid():
                    services.quota_settings_update(
                        cycle=cycle,
                        rate=settings_form.cleaned_data["rate_percent"] / 100,
                        rounding=settings_form.cleaned_data["rounding"],
                        by=request.user,
                    )
                    messages.success(request, _("Đã lưu cách tính tỷ lệ HTXSNV."))
                    return redirect("cycles:quota_settings", pk=cycle.pk)
        except CycleError as exc:
            messages.error(request, str(exc))
    context = {
        "cycle": cycle,
        "settings_form": settings_form,
        "exception_form": exception_form,
        "exceptions": cycle.quota_exceptions.select_related("peer_group").order_by("peer_group__sort_order"),
        "quota_articles": cycle_quota_citations(cycle),
        "units_rule": small_unit_group_rule(cycle.framework),
    }
    return render(request, "cycles/quota_settings.html", context)


@require_POST
def quota_exception_delete(request: AuthenticatedHttpRequest, pk: int, exception_pk: int) -> HttpResponseBase:
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    exception = get_object_or_404(cycle.quota_exceptions, pk=exception_pk)
    try:
        services.quota_exception_remove(exception=exception, by=request.user)
        messages.success(request, _("Đã bỏ ngoại lệ."))
    except CycleError as exc:
        messages.error(request, str(exc))
    return redirect("cycles:quota_settings", pk=cycle.pk)


@require_http_methods(["GET", "POST"])
def agency_ratings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Each agency's own level for the year: a head is not rated above it (Decree 233/2026 Art. 12(7))."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    organisations = list(Organisation.objects.filter(enrolments__cycle=cycle).distinct().order_by("name"))
    current = {r.organisation_id: r for r in AgencyRating.objects.filter(cycle=cycle)}
    if request.method == "POST":
        posted = {
            organisation.pk: (
                request.POST.get(f"level_{organisation.pk}", ""),
                request.POST.get(f"source_{organisation.pk}", ""),
            )
            for organisation in organisations
        }
        try:
            saved = services.agency_ratings_set(cycle=cycle, ratings=posted, by=request.user)
        except CycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Đã lưu xếp loại của %(n)d cơ quan, đơn vị.",
                    "Đã lưu xếp loại của %(n)d cơ quan, đơn vị.",
                    saved,
                )
                % {"n": saved},
            )
            return redirect("cycles:agency_ratings", pk=cycle.pk)
    rows = [(organisation, current.get(organisation.pk)) for organisation in organisations]
    return render(
        request, "cycles/agency_ratings.html", {"cycle": cycle, "rows": rows, "levels": Level.choices}
    )
