"""The health endpoint for the reverse proxy, the load balancer and systemd: is the database
answering, and is its schema the one this code expects (no migration left after an upgrade)."""

import time

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from husly.common.events import deliveries_failed_count

# Once the schema has been seen complete, a process does not look again: migrations are applied
# before the new code starts (docs/deploy.md), never under a running process.
_schema_complete = False


def database_check() -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False, (time.perf_counter() - started) * 1000
    return True, (time.perf_counter() - started) * 1000


def migrations_pending() -> int:
    global _schema_complete
    if _schema_complete:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _schema_complete = pending == 0
    return pending


def health_report() -> tuple[bool, dict]:
    database_ok, database_ms = database_check()
    report = {"database": "ok" if database_ok else "unavailable",
              "database_ms": round(database_ms, 1)}
    healthy = database_ok
    if database_ok:
        try:
            pending = migrations_pending()
        except DatabaseError:
            pending = -1
        report["migrations_pending"] = pending
        healthy = pending == 0
        if healthy:
            # Visible, not fatal: the web still serves while a subscriber is being fixed.

            report["events_undelivered"] = deliveries_failed_count()
    report["status"] = "ok" if healthy else "unavailable"
    return healthy, report
