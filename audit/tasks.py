from celery import shared_task

from common.tasks import TRANSIENT_DB_ERRORS

from . import services


# Hourly by beat (AUDIT_CHAIN_CHECK_SECONDS): the metrics show the newest outcome (issue #16 item 8).
@shared_task(ignore_result=True, autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True, max_retries=3)
def audit_chain_check() -> bool:
    return services.audit_chain_check().ok
