"""Reads about the conference; each is a fixed number of queries whatever the cohort size."""

from dataclasses import dataclass

from cycles.models import Cycle
from cycles.selectors import cohort_order
from reviews.models import Evaluation


@dataclass(frozen=True)
class AgendaItem:
    evaluation_id: int
    full_name: str
    title: str
    organisation_name: str
    peer_group_id: int
    peer_group_name: str


@dataclass(frozen=True)
class AgendaPosition:
    """Where one person stands in the conference's running order: "12/41 – Giám đốc sở và tương đương"."""

    item: AgendaItem
    number: int
    total: int
    number_in_group: int
    group_total: int
    previous: AgendaItem | None
    next: AgendaItem | None


@dataclass
class ConferenceAgenda:
    items: list[AgendaItem]

    def __len__(self) -> int:
        return len(self.items)

    @property
    def first(self) -> AgendaItem | None:
        return self.items[0] if self.items else None

    def position(self, evaluation_id: int) -> AgendaPosition | None:
        for index, item in enumerate(self.items):
            if item.evaluation_id == evaluation_id:
                group = [other for other in self.items if other.peer_group_id == item.peer_group_id]
                return AgendaPosition(
                    item=item,
                    number=index + 1,
                    total=len(self.items),
                    number_in_group=group.index(item) + 1,
                    group_total=len(group),
                    previous=self.items[index - 1] if index > 0 else None,
                    next=self.items[index + 1] if index + 1 < len(self.items) else None,
                )
        return None


def conference_agenda(cycle: Cycle) -> ConferenceAgenda:
    """The cohort in the order the conference discusses it: by peer group, then the order Home Affairs set,
    then name (the same order as the compilation table). One query."""
    rows = (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .order_by(*cohort_order("enrolment__"))
        .values_list(
            "pk",
            "enrolment__full_name",
            "enrolment__title",
            "enrolment__organisation_name",
            "enrolment__peer_group_id",
            "enrolment__peer_group_name",
        )
    )
    return ConferenceAgenda([AgendaItem(*row) for row in rows])
