"""Failed logins (issue #5), role changes and quarantined uploads (issue #18) go into the audit trail. django-axes
counts failed logins for the lockout; this keeps the record."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from common.uploads import upload_quarantined
from officials.signals import identification_number_changed, role_changed


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    from .models import Action
    from .services import audit_record

    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(
        action=Action.LOGIN_FAILED,
        actor_name=username,
        target=username,
        # The client's address as django-axes resolved it behind the trusted proxies (PORTAL_TRUSTED_PROXY_COUNT).
        ip=(getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR"))
        if request is not None
        else None,
    )


@receiver(role_changed, dispatch_uid="audit_role_changed")
def role_change_recorded(sender, assignment, change, by=None, **kwargs):
    """Who gave or took which role from whom, and when (issue #18 item 3)."""
    from .models import ActingAs, Action
    from .services import audit_record

    action = {
        "granted": Action.ROLE_GRANTED,
        "revoked": Action.ROLE_REVOKED,
        "confirmed": Action.ROLE_CONFIRMED,
    }
    holder = assignment.user
    audit_record(
        action=action[change],
        actor=by,
        acting_as=None if by is not None else ActingAs.SYSTEM,
        target=f"{holder.get_username()}: {assignment.role}",
        after={
            "user": holder.get_username(),
            "role": assignment.role,
            "organisation_id": assignment.organisation_id,
            "granted_by_id": assignment.granted_by_id,
            "confirmed_by_id": assignment.confirmed_by_id,
        },
    )


@receiver(upload_quarantined, dispatch_uid="audit_upload_quarantined")
def upload_quarantine_recorded(sender, name, path, signature, **kwargs):
    from .models import ActingAs, Action
    from .services import audit_record

    audit_record(
        action=Action.UPLOAD_QUARANTINED,
        acting_as=ActingAs.SYSTEM,
        target=str(name)[:255],
        after={"quarantined_as": str(path), "signature": str(signature)},
    )


@receiver(identification_number_changed, dispatch_uid="audit_identification_number_changed")
def identification_number_recorded(sender, official, change, by=None, **kwargs):
    """That a person's identification number was set, changed or cleared, and by whom: never the number (issue #17)."""
    from .models import Action
    from .services import audit_record

    audit_record(
        action=Action.IDENTIFICATION_NUMBER_SET,
        actor=by,
        target=official.full_name,
        after={"official_id": official.pk, "identification_number": change},
    )
