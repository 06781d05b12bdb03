"""Notices of results (issue #5): filled in by the notification work."""


def notices_issue_for_cycle(*, cycle_pk: int) -> int:
    return 0
