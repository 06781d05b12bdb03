from django.db.models import QuerySet

from .models import Official


def officials_directory() -> QuerySet[Official]:
    return Official.objects.select_related("organisation", "peer_group").order_by(
        "peer_group__sort_order", "organisation__name", "full_name"
    )
