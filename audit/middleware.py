"""Refused access is recorded (ASVS 5.0 16.3.2): every 403 here; the 404s that hide someone else's file are
recorded by the access helpers that answer them (`reviews/permissions.py`)."""


class RefusedAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            from .models import Action
            from .services import audit_record

            audit_record(
                action=Action.ACCESS_REFUSED,
                actor=getattr(request, "user", None),
                target=f"{request.method} {request.path}",
                note="HTTP 403",
                ip=request.META.get("REMOTE_ADDR"),
            )
        return response
