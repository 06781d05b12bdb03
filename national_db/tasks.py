from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def national_db_sync() -> dict[str, int]:
    """Beat, every five minutes: every signed result gets its entry (a replaced decision's entry is superseded by a
    pending one), then the pending entries go through the adapter. Running it twice sends nothing twice: entries are
    claimed under a row lock and only pending ones are sent."""
    created = services.sync_entries_reconcile()
    sent = services.sync_send_pending()
    return {"created": created, "sent": sent}
