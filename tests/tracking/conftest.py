"""The tracking tests' shared fixture: the cast's 2026 cycle tracked quarterly with a tracker for official_a (defined
with the service tests)."""

from .test_services import tracked  # noqa: F401
