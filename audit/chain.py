"""The hash chain over the audit trail (issue #16 item 5): tamper evidence on top of the append-only table.

Each event carries `chain_hash = SHA-256(previous event's chain_hash + canonical(event))`, the first one chaining to
`GENESIS`. Rewriting, deleting or inserting an event in the middle breaks the link at that event (or at the next
one, for a deletion); `audit.selectors.audit_chain_status` walks the chain and names the first broken link.

The serialisation below is frozen: every stored hash depends on it byte for byte, so a change would break every
existing chain. It is built from the values as they come back from the database (both PostgreSQL and SQLite), so
what `audit_record` hashes before the insert is what the verifier reads after it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

# The row's own fields, by column (attname), in this order. `id` is left out: it is assigned by the insert, after
# the hash; the order of the chain already fixes each event's place.
CHAIN_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "acting_as",
    "action",
    "cycle_id",
    "evaluation_id",
    "target",
    "before",
    "after",
    "note",
    "ip",
)


def _json_normalised(value: Any) -> Any:
    """JSON as a database gives it back: tuples are lists, and a whole float is the integer (PostgreSQL's jsonb keeps
    `1.0` as the numeric 1.0, which json reads back as 1.0, while 1e20 comes back as an integer)."""
    if isinstance(value, Mapping):
        return {str(key): _json_normalised(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_normalised(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "at":
        if not isinstance(value, datetime):
            raise TypeError(f"audit event time must be a datetime, not {type(value).__name__}")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name == "ip":
        return str(ipaddress.ip_address(str(value)))
    if name in ("before", "after"):
        # Round-trip through JSON first, as the JSONField does on save (lazy strings and the like become text).
        return _json_normalised(json.loads(json.dumps(value, default=str)))
    if name.endswith("_id"):
        return int(value)
    return str(value)


def canonical(values: Mapping[str, Any]) -> bytes:
    """The event's fields as one UTF-8 JSON document: sorted keys, no whitespace, every field present."""
    document = {name: _canonical_value(name, values.get(name)) for name in CHAIN_FIELDS}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link_hash(previous: str, values: Mapping[str, Any]) -> str:
    """The chain hash of an event that follows the event whose chain hash is `previous`."""
    digest = hashlib.sha256()
    digest.update(previous.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(values))
    return digest.hexdigest()


def values_of(event: Any) -> dict[str, Any]:
    """An AuditEvent's chained fields (a model instance, or a historical model's in a migration)."""
    return {name: getattr(event, name) for name in CHAIN_FIELDS}
