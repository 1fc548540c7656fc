"""Two requests at once, made reproducible: the other request's work runs in a thread inside
a transaction that stays open while the test's request runs, so the test's request reads
before the other commits and writes into its unique index (it waits there, then fails),
which is exactly what two simultaneous clicks do. PostgreSQL only: SQLite's test database
is one in-memory connection."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

#: How long the other request's transaction stays open after its work.
HOLD_SECONDS = 1.5

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a race between two connections needs a database server (DATABASE_URL=postgres://…)",
)


@contextmanager
def other_request_commits_later(work, hold: float = HOLD_SECONDS):
    """Run ``work()`` in another thread and connection; commit it ``hold`` seconds after it
    is done, while the body of the ``with`` runs."""
    done = threading.Event()
    errors: list[BaseException] = []

    def run():
        try:
            with transaction.atomic():
                work()
                done.set()
                time.sleep(hold)
        except BaseException as error:  # reported to the test below
            errors.append(error)
            done.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert done.wait(60), "the other request never finished its work"
    try:
        yield
    finally:
        thread.join(60)
    assert not errors, errors
