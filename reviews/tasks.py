from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cycles.models import PhaseKind
from cycles.selectors import phase_of, self_assessment_deadline

from .models import EDITABLE_BY_OFFICIAL, Evaluation, EvaluationEvent, EventKind
from .services import notices
from .services.notices import TransientMailError


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def reminder_send(evaluation_id: int, by_id: int | None = None) -> bool:
    evaluation = (
        Evaluation.objects.select_related("enrolment__cycle", "enrolment__official__user")
        .filter(pk=evaluation_id, status__in=EDITABLE_BY_OFFICIAL)
        .first()
    )
    # Submitted in the meantime, or no address: nothing to remind.
    if (
        evaluation is None
        or not evaluation.enrolment.official.user
        or not evaluation.enrolment.official.user.email
    ):
        return False
    phase = phase_of(evaluation.enrolment.cycle, PhaseKind.SELF_ASSESSMENT)
    context = {
        "enrolment": evaluation.enrolment,
        "deadline": self_assessment_deadline(evaluation.enrolment, phase),
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("reviews:self_assessment_edit", args=[evaluation.pk]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reviews/email/reminder_subject.txt", context).strip()
        body = render_to_string("reviews/email/reminder_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [evaluation.enrolment.official.user.email])
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    EvaluationEvent.objects.create(evaluation=evaluation, kind=EventKind.REMINDED, by=by)
    return True


@shared_task(
    autoretry_for=(TransientMailError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def notice_email_send(notice_id: int) -> bool:
    """The notice of a result by e-mail. Safe to deliver twice (the row is claimed before sending); retried only
    when the mail server or the network failed, at most five times."""
    return notices.notice_email_send(notice_id=notice_id)


@shared_task
def notice_emails_requeue() -> int:
    """For beat, every few minutes: enqueue the notice e-mails lost at enqueue time or held by a killed worker."""
    due = notices.notices_due_for_email()
    for notice_id in due:
        notice_email_send.delay(notice_id)
    return len(due)
