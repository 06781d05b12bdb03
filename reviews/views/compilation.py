"""Home Affairs' compilation: the working table, proposals, cap facts; the comment meetings and party opinions."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.types import AuthenticatedHttpRequest
from common.uploads import sniff_content_type
from cycles.models import Cycle, Enrolment, PhaseKind
from cycles.rulebooks import Level
from officials.permissions import roles_of

from .. import charts, services
from ..errors import ReviewError, StaleFormError
from ..forms import (
    NOT_RATED,
    CapFactsForm,
    CommentMeetingForm,
    CompilationFilterForm,
    MeetingListFilterForm,
    PartyOpinionForm,
    ProposalForm,
    opinion_formset,
    opinions_of,
)
from ..models import (
    CapFacts,
    CommentMeeting,
    PartyOpinion,
)
from ..permissions import (
    evaluations_visible_to,
    get_cycle_for_proposals,
    get_evaluation_for_home_affairs,
    get_evaluation_for_meeting,
    get_evaluation_for_user,
    may_read_party_opinion,
    may_record_meeting,
)
from ..selectors import (
    LevelSource,
    StandingRow,
    agency_level_of,
    caps_for,
    cohort_tally,
    counted_score,
    group_quotas,
    level_for_points,
    standing_queryset,
    standing_rows,
    tally_distributions,
)

# --- Home Affairs' compilation: the working table, proposals, cap facts (issue #4) ---


# Rows per page of the compilation table and the decision board: a 41-person cohort fits on one page.
PAGE_SIZE = 50


@dataclass
class CohortPage:
    """One page of a cohort table: the filters (kept in the URL), the page, its standing rows, and how many
    people the filters left out of the whole cohort."""

    filters: CompilationFilterForm
    page: Page
    rows: list[StandingRow]
    matching: int
    total: int

    def context(self) -> dict:
        return {
            "rows": self.rows,
            "filters": self.filters,
            "page": self.page,
            "page_range": list(self.page.paginator.get_elided_page_range(self.page.number)),
            "shown": self.matching,
            "total": self.total,
        }


def cohort_page(request: AuthenticatedHttpRequest, cycle, source: LevelSource, groups) -> CohortPage:
    """Filter and sort in SQL, then compute caps and warnings for one page only (issue #15): the cost of the page
    does not grow with the cohort. "With warnings" reads the caps, so it alone runs over what the SQL filters left."""
    organisations = (
        Enrolment.objects.filter(cycle=cycle)
        .order_by("organisation_name", "organisation_id")
        .values_list("organisation_id", "organisation_name")
        .distinct()
    )
    filters = CompilationFilterForm(
        request.GET or None,
        groups=[(group.peer_group_id, group.name) for group in groups],
        organisations=list(organisations),
    )
    queryset = filters.filter(standing_queryset(cycle))
    total = sum(group.total for group in groups)
    if filters.needs_caps:
        rows = filters.apply(standing_rows(cycle, source, list(queryset)))
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return CohortPage(filters, page, list(page.object_list), page.paginator.count, total)
    # The order and the window are found on ids alone (a narrow sort), then only the page's rows are loaded whole.
    page = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    loaded = standing_queryset(cycle).in_bulk(ids)
    rows = standing_rows(cycle, source, [loaded[pk] for pk in ids])
    return CohortPage(filters, page, rows, page.paginator.count, total)


def _row_context(request: AuthenticatedHttpRequest, cycle, **extra) -> dict:
    """What a row of the compilation table needs besides itself."""
    return {
        "cycle": cycle,
        "can_propose": roles_of(request.user).is_home_affairs,
        # Abbreviations fit the table's narrow column; the legend above the table spells them out.
        "proposal_choices": [
            ("", _("— Chưa đề xuất —")),
            *((level.value, level.abbreviation) for level in Level),
            (NOT_RATED, _("Không xếp loại")),
        ],
        **extra,
    }


def _compilation_context(request: AuthenticatedHttpRequest, cycle, **extra) -> dict:
    """The quota meters and charts over the whole cohort, from one aggregate query (cohort_tally)."""
    tally = cohort_tally(cycle)
    groups = group_quotas(cycle, LevelSource.PROPOSED, tally)
    distributions = tally_distributions(tally, groups, proposed=True)
    return _row_context(
        request,
        cycle,
        groups=groups,
        # Issue #13 item 5: the proposals' distribution per group and the quota position.
        level_chart=charts.stacked_bars(
            [(group.name, counts) for group, counts in distributions], undecided_label=_("Chưa đề xuất")
        ),
        level_title=_("Phân bố mức đề xuất theo nhóm đối tượng"),
        quota_chart=charts.quota_bars(
            [(group.name, group.position.htxsnv, group.position.allowed) for group in groups]
        ),
        quota_title=_("Tỷ lệ HTXSNV theo đề xuất so với mức tối đa"),
        **extra,
    )


@require_GET
def compilation(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """The cohort with caps, proposals and warnings, one page at a time; the live quota meter per peer group over
    the whole cohort. Each row's proposal form is loaded when its button is pressed (proposal_edit)."""
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    context = _compilation_context(request, cycle)
    table = cohort_page(request, cycle, LevelSource.PROPOSED, context["groups"])
    context.update(table.context())
    return render(request, "reviews/compilation.html", context)


def one_standing_row(evaluation, source: LevelSource) -> StandingRow:
    """The standing row of one person (after a click): a few queries whatever the cohort size."""
    cycle = evaluation.enrolment.cycle
    fresh = standing_queryset(cycle).get(pk=evaluation.pk)
    return standing_rows(cycle, source, [fresh])[0]


@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """One person's proposal with every cap and its article. From the table, htmx loads the row's form on a click
    (GET) and posts it, answering with the row and the quota meters; without JavaScript it is an ordinary page."""
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    cycle = evaluation.enrolment.cycle
    if request.method == "GET" and request.htmx:
        context = _row_context(
            request,
            cycle,
            row=one_standing_row(evaluation, LevelSource.PROPOSED),
            editing=request.GET.get("show") != "row",
        )
        return render(request, "reviews/_compilation_row.html", context)
    initial = {
        "proposal": NOT_RATED if evaluation.proposed_not_rated else evaluation.proposed_level,
        "reason": evaluation.proposal_reason,
        "comments": evaluation.proposal_comments,
    }
    form = ProposalForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation = services.proposal_set(
                    evaluation=evaluation,
                    level=form.level,
                    not_rated=form.not_rated,
                    reason=form.cleaned_data["reason"],
                    # A post without the field (an older page) leaves the draft as it is.
                    comments=form.cleaned_data["comments"] if "comments" in form.data else None,
                    by=request.user,
                )
            except ReviewError as exc:
                error = str(exc)
        else:
            error = _("Mức đề xuất hoặc lý do không hợp lệ (lý do tối đa %(max)d ký tự).") % {
                "max": services.MAX_REASON_LENGTH
            }
        if request.htmx:
            row = one_standing_row(evaluation, LevelSource.PROPOSED)
            if error:
                row.posted_choice = form.data.get("proposal", "")
            context = _compilation_context(
                request, cycle, row=row, error=error, posted=form.data if error else None, editing=bool(error)
            )
            return render(request, "reviews/_proposal_response.html", context)
        if error is None:
            messages.success(
                request, _("Đã ghi đề xuất cho %(name)s.") % {"name": evaluation.enrolment.full_name}
            )
            return redirect("reviews:compilation", cycle_pk=cycle.pk)
        messages.error(request, error)
    row = one_standing_row(evaluation, LevelSource.PROPOSED)
    groups = group_quotas(cycle, LevelSource.PROPOSED)
    group = next(g for g in groups if g.peer_group_id == evaluation.enrolment.peer_group_id)
    context = {
        "evaluation": row.evaluation,
        "enrolment": row.evaluation.enrolment,
        "cycle": cycle,
        "row": row,
        "group": group,
        "form": form,
        "points_level": level_for_points(evaluation),
    }
    return render(request, "reviews/proposal_edit.html", context)


@require_http_methods(["GET", "POST"])
def cap_facts_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    facts = CapFacts.objects.filter(evaluation=evaluation).first()
    form = CapFactsForm(
        request.POST or None,
        instance=facts,
        initial={"version": facts.version if facts else None},
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.CAP_FACT_FIELDS}
        try:
            services.cap_facts_record(
                evaluation=evaluation, values=values, version=form.cleaned_data["version"], by=request.user
            )
        except ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Đã ghi căn cứ của %(name)s.") % {"name": evaluation.enrolment.full_name}
            )
            return redirect("reviews:proposal_edit", pk=evaluation.pk)
    caps = caps_for(evaluation, agency_level_of(evaluation))
    context = {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "form": form,
        "caps": caps,
        "counted": counted_score(evaluation),
    }
    return render(request, "reviews/cap_facts_edit.html", context)


# --- The comment meeting's minutes and the party committee's opinion (issue #4) ---


def _meeting_of(evaluation):
    return CommentMeeting.objects.filter(evaluation=evaluation).prefetch_related("opinions").first()


def _vote_rows(meeting) -> list[tuple[str, int]]:
    return [(Level(level).label, count) for level, count in meeting.votes.items()]


def meeting_card_context(user, evaluation, roles, is_own) -> dict:
    """The "comment meeting and party opinion" card of the evaluation page: three small queries, and only
    for those who may read it."""
    may_record = may_record_meeting(user, evaluation)
    if not (may_record or roles.is_chair or is_own):
        return {"show_meeting_card": False}
    meeting = _meeting_of(evaluation)
    show_party = may_record or roles.is_chair
    return {
        "show_meeting_card": True,
        "meeting": meeting,
        "meeting_votes": _vote_rows(meeting) if meeting and meeting.votes_recorded else None,
        "show_party_opinion": show_party,
        "party_opinion": PartyOpinion.objects.filter(evaluation=evaluation).first() if show_party else None,
        "may_record_meeting": may_record,
        # Home Affairs, the agency's secretary and the chair print the minutes from here (documents app).
        "may_print_meeting_minutes": may_record or roles.is_chair,
    }


def _person_context(evaluation, **extra) -> dict:
    """What the recorder sees of the person above the form: read-only, from the evaluation."""
    return {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": evaluation.enrolment.cycle,
        **extra,
    }


def _unsaved_file_note(request: AuthenticatedHttpRequest) -> str:
    # A browser cannot refill a file input, so say so rather than let the scan silently go missing.
    if request.FILES:
        return " " + _("Tệp scan chưa được lưu: hãy chọn lại tệp trước khi lưu.")
    return ""


@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_meeting(request.user, pk)
    meeting = _meeting_of(evaluation)
    refusal = services.phase_refusal(evaluation, PhaseKind.COMMENT_MEETING, request.user)
    if request.method == "GET":
        form = CommentMeetingForm(initial=CommentMeetingForm.initial_for(meeting))
        opinions = opinion_formset(meeting=meeting)
        context = _person_context(evaluation, form=form, opinions=opinions, meeting=meeting, refusal=refusal)
        return render(request, "reviews/meeting_edit.html", context)

    form = CommentMeetingForm(request.POST, request.FILES)
    opinions = opinion_formset(request.POST)
    error, stale_version = None, None
    if form.is_valid() and opinions.is_valid():
        try:
            services.comment_meeting_record(
                evaluation=evaluation,
                minutes=form.minutes(),
                opinions=opinions_of(opinions),
                scan=form.cleaned_data["scan"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleFormError as exc:
            error, stale_version = str(exc), exc.current_version
        except ReviewError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Đã lưu biên bản họp nhận xét của %(name)s.") % {"name": evaluation.enrolment.full_name},
            )
            return redirect("reviews:evaluation_detail", pk=evaluation.pk)
    else:
        error = _("Chưa lưu: có ô nhập chưa hợp lệ, xem thông báo đỏ ở từng ô.")
    if stale_version is not None:
        # Keep what was typed; the next save knowingly replaces the newer copy shown for comparison.
        data = request.POST.copy()
        data["version"] = stale_version
        form = CommentMeetingForm(data)
        form.is_valid()
        meeting = _meeting_of(evaluation)
    context = _person_context(
        evaluation,
        form=form,
        opinions=opinions,
        meeting=meeting,
        refusal=refusal,
        error=error + _unsaved_file_note(request),
        saved_meeting=meeting if stale_version is not None else None,
        meeting_votes=_vote_rows(meeting) if stale_version is not None and meeting.votes_recorded else None,
    )
    return render(request, "reviews/meeting_edit.html", context, status=409 if stale_version else 200)


def _stream_scan(record, evaluation):
    if record is None or not record.signed_scan:
        raise Http404
    try:
        handle = record.signed_scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = sniff_content_type(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=record.signed_scan_name or f"scan-{evaluation.pk}",
        content_type=content_type,
    )


@require_GET
def meeting_scan_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    # Everyone who may see the evaluation: Home Affairs, the chair, the secretary of that agency, and the person
    # themself — the minutes record a meeting they attended and were adopted there, and hold no proposal of
    # Home Affairs (domain.md §2), so the person may keep a copy of their own file's minutes.
    evaluation = get_evaluation_for_user(request.user, pk)
    return _stream_scan(CommentMeeting.objects.filter(evaluation=evaluation).first(), evaluation)


@require_http_methods(["GET", "POST"])
def party_opinion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_meeting(request.user, pk)
    opinion = PartyOpinion.objects.filter(evaluation=evaluation).first()
    refusal = services.phase_refusal(evaluation, PhaseKind.PARTY_OPINION, request.user)
    if request.method == "GET":
        form = PartyOpinionForm(initial=PartyOpinionForm.initial_for(opinion))
        context = _person_context(evaluation, form=form, opinion=opinion, refusal=refusal)
        return render(request, "reviews/party_opinion_edit.html", context)

    form = PartyOpinionForm(request.POST, request.FILES)
    error, stale_version = None, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.party_opinion_record(
                evaluation=evaluation,
                body=data["body"],
                given_on=data["given_on"],
                text=data["text"],
                scan=data["scan"],
                version=data["version"],
                by=request.user,
            )
        except StaleFormError as exc:
            error, stale_version = str(exc), exc.current_version
        except ReviewError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Đã lưu ý kiến cấp ủy về %(name)s.") % {"name": evaluation.enrolment.full_name}
            )
            return redirect("reviews:evaluation_detail", pk=evaluation.pk)
    else:
        error = _("Chưa lưu: có ô nhập chưa hợp lệ, xem thông báo đỏ ở từng ô.")
    if stale_version is not None:
        data = request.POST.copy()
        data["version"] = stale_version
        form = PartyOpinionForm(data)
        form.is_valid()
        opinion = PartyOpinion.objects.filter(evaluation=evaluation).first()
    context = _person_context(
        evaluation,
        form=form,
        opinion=opinion,
        refusal=refusal,
        error=error + _unsaved_file_note(request),
        saved_opinion=opinion if stale_version is not None else None,
    )
    return render(request, "reviews/party_opinion_edit.html", context, status=409 if stale_version else 200)


@require_GET
def party_opinion_scan_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_user(request.user, pk)
    if not may_read_party_opinion(request.user, evaluation):
        raise PermissionDenied
    return _stream_scan(PartyOpinion.objects.filter(evaluation=evaluation).first(), evaluation)


@dataclass(frozen=True)
class MeetingRow:
    evaluation: object
    meeting: object
    party_opinion: object


@require_GET
def meeting_list(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """The people whose meeting this user may record: a unit secretary sees only their own agency's people,
    Home Affairs everyone (with a filter by agency). Anyone else has no business here: 404."""
    roles = roles_of(request.user)
    if not (roles.is_home_affairs or roles.secretary_organisation_ids):
        raise Http404
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    evaluations = evaluations_visible_to(request.user).filter(enrolment__cycle=cycle)
    if not roles.is_home_affairs:
        evaluations = evaluations.filter(enrolment__organisation_id__in=roles.secretary_organisation_ids)
    filters = None
    if roles.is_home_affairs:
        organisations = (
            Enrolment.objects.filter(cycle=cycle)
            .order_by("organisation_name")
            .values_list("organisation_id", "organisation_name")
            .distinct()
        )
        filters = MeetingListFilterForm(request.GET or None, organisations=list(organisations))
        if filters.is_valid() and filters.cleaned_data["organisation"]:
            evaluations = evaluations.filter(enrolment__organisation_id=filters.cleaned_data["organisation"])
    evaluations = evaluations.select_related("enrolment", "comment_meeting", "party_opinion").order_by(
        "enrolment__organisation_name", "enrolment__agenda_order", "enrolment__full_name"
    )
    rows = [
        MeetingRow(
            evaluation=evaluation,
            # select_related caches a missing reverse one-to-one as "none": no query per row.
            meeting=getattr(evaluation, "comment_meeting", None),
            party_opinion=getattr(evaluation, "party_opinion", None),
        )
        for evaluation in evaluations
    ]
    context = {
        "cycle": cycle,
        "rows": rows,
        "filters": filters,
        "recorded": sum(1 for row in rows if row.meeting),
        "with_party_opinion": sum(1 for row in rows if row.party_opinion),
    }
    return render(request, "reviews/meeting_list.html", context)
