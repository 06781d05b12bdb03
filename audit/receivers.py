"""Failed logins go into the audit trail (issue #5). django-axes counts them for the lockout; this keeps the record."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    from .models import Action
    from .services import audit_record

    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(
        action=Action.LOGIN_FAILED,
        actor_name=username,
        target=username,
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
