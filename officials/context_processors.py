from .permissions import roles_of


def portal_roles(request):
    return {"portal_roles": roles_of(getattr(request, "user", None))}
