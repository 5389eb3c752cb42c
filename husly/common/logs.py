"""Structured logs: one JSON object a line, for journald or a log collector.

What a line may carry is decided here and in RequestLogMiddleware: the route pattern (never the
path with its ids, never the query string), the status, the time taken, the staff member's id
and municipality. No names, numbers, addresses, notes or form values ever reach a log line.
"""

import datetime
import json
import logging
import re
import time
import uuid

# The attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

request_log = logging.getLogger("husly.request")
# A request id from the proxy is kept only if it is a plain token: nothing else reaches a line.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _extras(record: logging.LogRecord) -> dict:
    # Django adds the request object to its own lines: its repr has the query string.
    return {key: value for key, value in vars(record).items()
            if key not in _STANDARD and not key.startswith("_") and key != "request"}


class PlainFormatter(logging.Formatter):
    """A developer's line, with the structured fields as key=value after the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extras(record)
        if extras:
            line += " " + " ".join(f"{key}={value}" for key, value in extras.items())
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _extras(record).items():
            entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            # The exception's type and where it was raised; exception messages never carry
            # person data (docs/security.md), and the traceback helps whoever runs the server.
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    """One line a request: which page (its route pattern), status, milliseconds, who."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID", "")
        if not _REQUEST_ID.match(request_id):
            request_id = uuid.uuid4().hex
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        staff = getattr(request, "staff", None)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": ("/" + match.route) if match else "(unresolved)",
                "view": match.view_name if match else "",
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "municipality_id": getattr(getattr(staff, "municipality", None), "pk", None),
            },
        )
        response["X-Request-ID"] = request_id
        return response
