"""The database session store, surviving a dropped connection (issue #16 item 4).

`SESSION_SAVE_EVERY_REQUEST` saves the session after the view. When the connection dropped between the view's
commit and that save, Django's store turns the error into `UpdateError`, the middleware into
`SessionInterrupted`, and the person saw a bare "Bad Request (400)" although their save was stored. Here a save
that fails closes the connection and tries once more on a fresh one; a session that was really deleted meanwhile
fails the second time too, as before."""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import connections, router


class SessionStore(DbSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError:
            connection = connections[router.db_for_write(self.model)]
            if connection.in_atomic_block:
                raise
            connection.close()
            super().save(must_create=must_create)
