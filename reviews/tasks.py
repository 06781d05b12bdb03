from celery import shared_task

from .services import notices
from .services.notices import TransientMailError
from .services.self_assessment import reminder_email_send


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def reminder_send(reminder_id: int) -> bool:
    """One reminder e-mail (services.reminder_email_send): claimed first, so a duplicate delivery sends nothing."""
    return reminder_email_send(reminder_id=reminder_id)


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


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def objection_answer_email_send(objection_id: int) -> bool:
    """The answer to a kept objection by e-mail (services.objection_answer_email_send): claimed before sending."""
    from .services.objections import objection_answer_email_send as send

    return send(objection_id=objection_id)
