"""The API for other systems of the municipality (ADR 0027): a token per integration, named
operations, a call log, rate limits. Its own OpenAPI document, at
/api/v1/integrasjon/openapi.json and /api/v1/integrasjon/docs; the staff API (husly.api.api)
is untouched by it and takes no tokens.

Every call with a known token, answered or refused, is in the token's call log; calls that
touch a resident are in that resident's access log, as "Integrasjon: <name>".
"""

import datetime
import json
import logging
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from husly.access.policy import integration_may
from husly.housing.models import DwellingKind
from husly.integrations import selectors as integration_selectors
from husly.integrations import services as integration_services
from husly.integrations.models import IntegrationScope

logger = logging.getLogger(__name__)

# The operation (scope) each endpoint needs, by its URL name.
OPERATIONS = {
    "rent_arrears_report": IntegrationScope.RENT_ARREARS_REPORT,
    "vacant_dwellings": IntegrationScope.VACANT_DWELLINGS_READ,
}
REPORT_LINES_MAX = 5000
PAGE_SIZE_MAX = 500


class TokenRefused(Exception):
    """A call refused before the operation ran: 401 (no usable token) or 403 (the token
    does not give the operation)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class IntegrationCaller:
    """`request.auth` of an integration call: the token and the operation it is used for."""

    token: object
    operation: str

    def __str__(self) -> str:
        return f"integration-token-{self.token.pk}"


def _operation(request) -> str:
    match = getattr(request, "resolver_match", None)
    return OPERATIONS.get(getattr(match, "url_name", ""), "")


class IntegrationBearer(HttpBearer):
    """`Authorization: Bearer husly_…`: the token decides the municipality and, by its
    operations, what the call may do."""

    openapi_bearerFormat = "husly_…"
    openapi_description = ("An integration token, created by the municipality's Husly "
                           "administrator under Integrasjoner. It starts with husly_ and is "
                           "shown once, when it is created.")

    def __call__(self, request):
        scheme, _sep, secret = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise TokenRefused(401, _(
                "Send the integration token in the header “Authorization: Bearer husly_…”. "
                "The municipality's Husly administrator creates tokens under Integrations."))
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token):
        check = integration_selectors.token_check(token)
        if check.token is None:
            logger.info("integration call with an unknown or malformed token refused")
            raise TokenRefused(401, check.refusal)
        request.integration_token = check.token
        if check.refusal:
            raise TokenRefused(401, check.refusal)
        operation = _operation(request)
        if not integration_may(check.token, operation):
            raise TokenRefused(403, _(
                "The token does not give the operation “%(label)s” (scope %(scope)s). Ask the "
                "municipality's Husly administrator for a token with this operation.") % {
                "label": IntegrationScope(operation).label if operation else "–",
                "scope": operation or "–"})
        return IntegrationCaller(token=check.token, operation=operation)


class TokenRateThrottle(SimpleRateThrottle):
    """At most HUSLY_API_TOKEN_RATE calls per token (e.g. "120/m"), counted in Django's
    cache: a shared cache (Redis, the database) when several processes serve the API."""

    scope = "integration_token"

    def __init__(self):  # the rate is read from the settings at each call
        self.rate = None
        self.num_requests = self.duration = None

    def allow_request(self, request) -> bool:
        self.rate = settings.HUSLY_API_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        caller = getattr(request, "auth", None)
        if not isinstance(caller, IntegrationCaller):
            return None
        # The hash is unique to the token, unlike its id (reused by a restored database).
        return f"husly_throttle_token_{caller.token.key_hash[:32]}"


DESCRIPTION = """
Husly's API for other systems of the municipality: the finance system reports rent arrears,
a property or web system reads the vacant dwellings.

**Authentication.** Every call sends an integration token:
`Authorization: Bearer husly_…`. The municipality's Husly administrator creates it under
*Integrasjoner*, with the operations (scopes) the system may use and an expiry date, and can
revoke it at any time. The token decides the municipality: a call never reaches another
municipality's data.

**Answers.** Refusals are JSON `{"detail": ["…"]}` in the language of `Accept-Language`
(Norwegian bokmål by default), saying what to do:
401 — no token, an unknown, expired or revoked token;
403 — the token does not give this operation;
422 — the data has errors, nothing is saved (`lines` says which line and field);
429 — too many calls with this token (see `Retry-After`).

Every call is logged: in the token's call log, and for a call that touches a resident, in
that resident's access log as "Integrasjon: &lt;name of the token&gt;".

```sh
curl -X POST https://husly.example.kommune.no/api/v1/integrasjon/husleierestanser \\
  -H "Authorization: Bearer $HUSLY_TOKEN" -H "Content-Type: application/json" \\
  -d '{"complete": true, "lines": [{"national_id": "17059012345", "amount": 15600,
                                    "months_behind": 2, "as_of": "2026-03-12"}]}'
curl -H "Authorization: Bearer $HUSLY_TOKEN" \\
  "https://husly.example.kommune.no/api/v1/integrasjon/ledige-boliger?page=1"
```
"""

integration_api = NinjaAPI(
    title="Husly integrasjon", version="1", urls_namespace="integration",
    auth=IntegrationBearer(), throttle=[TokenRateThrottle()], description=DESCRIPTION,
)


class Refusal(Schema):
    detail: list[str] = Field(..., examples=[[
        "The token expired on 12. mars 2026. Ask the municipality's Husly administrator for "
        "a new token."]])


class LineErrors(Schema):
    line: int = Field(..., description="The line's position in `lines`, from 0.")
    errors: dict[str, list[str]] = Field(..., examples=[{"national_id": [
        "The check digits do not match. Check that every digit is typed correctly."]}])


class ReportProblem(Schema):
    detail: list[str]
    lines: list[LineErrors] = []
    fields: dict[str, list[str]] = {}


def _items_in_body(request) -> int:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return 0
    lines = body.get("lines") if isinstance(body, dict) else None
    return len(lines) if isinstance(lines, list) else 0


def _log(request, status: int, items: int = 0) -> None:
    caller = getattr(request, "auth", None)
    token = caller.token if isinstance(caller, IntegrationCaller) else getattr(
        request, "integration_token", None)
    if token is not None:
        integration_services.integration_call_record(
            token=token, operation=_operation(request) or request.path[:40], status=status,
            items=items)


def _problem(request, status: int, body: dict, **headers):
    response = integration_api.create_response(request, body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@integration_api.exception_handler(TokenRefused)
def token_refused(request, exc: TokenRefused):
    _log(request, exc.status)
    headers = {}
    if exc.status == 401:
        headers["WWW_Authenticate"] = 'Bearer realm="Husly", error="invalid_token"'
    return _problem(request, exc.status, {"detail": [exc.message]}, **headers)


@integration_api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _problem(request, 401, {"detail": [_(
        "Send the integration token in the header “Authorization: Bearer husly_…”.")]},
        WWW_Authenticate='Bearer realm="Husly"')


@integration_api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    _log(request, 429)
    wait = math.ceil(exc.wait) if exc.wait else None
    message = _("Too many calls with this token: at most %(rate)s (calls per second, minute, "
                "hour or day).") % {"rate": settings.HUSLY_API_TOKEN_RATE}
    if wait:
        message += " " + ngettext("Wait %(seconds)s second and try again.",
                                  "Wait %(seconds)s seconds and try again.", wait) % {
            "seconds": wait}
    return _problem(request, 429, {"detail": [message]})


def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is missing.")
    if kind.startswith("int_"):
        return _("Give a whole number.")
    if kind.startswith(("decimal_", "float_")):
        return _("Give a number, e.g. 15600 or 15600.50.")
    if kind.startswith(("date_", "datetime_")):
        return _("Give the date as YYYY-MM-DD, e.g. 2026-03-12.")
    if kind.startswith("string_"):
        return _("Give the value as text in quotes.")
    if kind == "too_long":
        return _("Send at most %(max)s lines in one call: split the list.") % {
            "max": REPORT_LINES_MAX}
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("The value has the wrong form: see the example in the documentation.")
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("The number is outside what is allowed here.")
    return _("The value is not valid here.")


def _line_problem(request, lines: dict[int, dict], fields: dict, total: int):
    if lines:
        detail = ngettext(
            "Nothing is saved: %(count)s of %(total)s lines has errors. Correct it and send the "
            "whole list again.",
            "Nothing is saved: %(count)s of %(total)s lines have errors. Correct them and send "
            "the whole list again.", len(lines)) % {"count": len(lines), "total": total}
    else:
        detail = _("Nothing is saved: the request has errors. Correct them and send it again.")
    _log(request, 422, total)
    return _problem(request, 422, {
        "detail": [detail],
        "lines": [{"line": n, "errors": lines[n]} for n in sorted(lines)],
        "fields": fields})


@integration_api.exception_handler(RequestValidationError)
def request_invalid(request, exc: RequestValidationError):
    lines: dict[int, dict] = {}
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[2:] if loc[:1] == ["body"] else loc[1:]
        message = _pydantic_message(error)
        if len(where) >= 3 and where[0] == "lines" and where[1].isdigit():
            lines.setdefault(int(where[1]), {}).setdefault(".".join(where[2:]), []).append(
                message)
        else:
            fields.setdefault(".".join(where) or "body", []).append(message)
    return _line_problem(request, lines, fields, _items_in_body(request))


@integration_api.exception_handler(DjangoValidationError)
def refused(request, exc: DjangoValidationError):
    lines: dict[int, dict] = {}
    fields: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            number, _sep, field = key.partition(".")
            if number.isdigit() and field:
                lines.setdefault(int(number), {})[field] = messages
            else:
                fields[key] = messages
    else:
        fields["body"] = exc.messages
    return _line_problem(request, lines, fields, _items_in_body(request))


@integration_api.exception_handler(Http404)
def not_found(request, exc):
    _log(request, 404)
    return _problem(request, 404, {"detail": [_("Not found.")]})


@integration_api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    _log(request, exc.status_code)
    return _problem(request, exc.status_code, {"detail": [str(exc)]})


REFUSALS = {401: Refusal, 403: Refusal, 429: Refusal}


class ArrearsLineIn(Schema):
    national_id: str = Field(..., description="The tenant's fødselsnummer or D-nummer, 11 "
                             "digits.", examples=["17059012345"])
    amount: Decimal = Field(..., description="Rent owed in kroner; øre are rounded to whole "
                            "kroner.", examples=[15600])
    months_behind: int = Field(..., description="How many months of rent are unpaid.",
                               examples=[2])
    as_of: datetime.date = Field(..., description="The date the arrears were counted (the "
                                 "ledger's date). The tenancy that runs on it is the one "
                                 "recorded; not in the future.", examples=["2026-03-12"])


class ArrearsReportIn(Schema):
    lines: list[ArrearsLineIn] = Field(..., max_length=REPORT_LINES_MAX, description=(
        f"One line per tenant in arrears, at most {REPORT_LINES_MAX} in one call. An empty "
        "list is a valid report (nobody in arrears)."))
    complete: bool = Field(False, description=(
        "true: `lines` is the whole list of tenants in arrears today. Arrears that the "
        "municipality's integrations reported before and that are not on it (paid, or "
        "replaced by the figures on it) are marked as settled today. Arrears recorded by "
        "staff in Husly are never changed. false (the default): the lines are added, "
        "nothing is settled."))


class ArrearsLineOut(Schema):
    line: int = Field(..., description="The line's position in `lines`, from 0.")
    result: str = Field(..., description="recorded: new in Husly; unchanged: this token "
                        "already reported the same figures for the tenancy and date; "
                        "corrected: it reported other figures for them, now replaced.",
                        examples=["recorded"])


class ArrearsReportOut(Schema):
    recorded: int
    corrected: int
    unchanged: int
    settled: int = Field(..., description="Earlier arrears marked as settled because a "
                         "complete list no longer has them (always 0 without `complete`).")
    lines: list[ArrearsLineOut]


@integration_api.post(
    "/husleierestanser", url_name="rent_arrears_report", tags=["rent arrears"],
    response={200: ArrearsReportOut, 422: ReportProblem, **REFUSALS},
    summary="Report rent arrears (scope rent_arrears.report)")
def rent_arrears_report(request, payload: ArrearsReportIn):
    """The finance system's list of tenants in arrears. Each line finds the resident by
    fødselsnummer in the token's municipality and the tenancy running on `as_of`; the
    arrears show on the resident's page and in the signals that a tenancy is at risk.

    Every line is checked first: if any line is wrong, nothing is saved and the answer (422)
    lists each wrong line with its fields. Sending the same report again changes nothing
    (each line answers `unchanged`, nothing more is settled), so a call that timed out can
    safely be repeated. Send `"complete": true` with the whole list, e.g. nightly, and the
    tenants who have paid are no longer shown as in arrears."""
    lines = [line.dict() for line in payload.lines]
    results, settled = integration_services.integration_rent_arrears_report(
        token=request.auth.token, lines=lines, complete=payload.complete)
    counts = {kind: sum(1 for r in results if r["result"] == kind)
              for kind in ("recorded", "corrected", "unchanged")}
    _log(request, 200, len(lines))
    return {**counts, "settled": len(settled),
            "lines": [{"line": r["line"], "result": r["result"]} for r in results]}


class VacantDwellingOut(Schema):
    id: int = Field(..., description="Husly's id of the dwelling.")
    street_address: str
    bruksenhetsnummer: str = Field(..., description="The unit number, e.g. H0101, or empty.")
    postal_code: str
    postal_place: str
    gnr: int
    bnr: int
    kind: str = Field(..., description="care, transitional, small_house, ordinary or "
                      "private_lease.")
    kind_label: str
    rooms: int
    area_m2: Decimal
    floor: int
    has_lift: bool
    wheelchair_accessible: bool
    suitability: list[str] = Field(..., description="What the dwelling suits, in the "
                                   "municipality's own words.")


class VacantDwellingsOut(Schema):
    count: int = Field(..., description="Vacant dwellings in all, on every page.")
    page: int
    pages: int
    items: list[VacantDwellingOut]


class VacantQuery(Schema):
    page: int = Field(1, ge=1, description="The page, from 1.")
    page_size: int = Field(100, ge=1, le=PAGE_SIZE_MAX, description="Dwellings per page.")
    kind: DwellingKind | None = Field(None, description="Only this kind of dwelling.")


@integration_api.get(
    "/ledige-boliger", url_name="vacant_dwellings", tags=["dwellings"],
    response={200: VacantDwellingsOut, 422: ReportProblem, **REFUSALS},
    summary="List vacant dwellings (scope dwellings.vacant.read)")
def vacant_dwellings(request, query: Query[VacantQuery]):
    """The municipality's vacant dwellings, by address, a page at a time. Dwellings only:
    no tenant, applicant or other person information."""
    dwellings = integration_selectors.vacant_dwellings(
        municipality=request.auth.token.municipality, kind=query.kind)
    count = dwellings.count()
    start = (query.page - 1) * query.page_size
    page = list(dwellings[start:start + query.page_size])
    _log(request, 200, len(page))
    return {"count": count, "page": query.page,
            "pages": max(1, math.ceil(count / query.page_size)),
            "items": [{
                "id": d.pk, "street_address": d.street_address,
                "bruksenhetsnummer": d.bruksenhetsnummer, "postal_code": d.postal_code,
                "postal_place": d.postal_place, "gnr": d.gnr, "bnr": d.bnr, "kind": d.kind,
                "kind_label": str(d.get_kind_display()), "rooms": d.rooms,
                "area_m2": d.area_m2, "floor": d.floor, "has_lift": d.has_lift,
                "wheelchair_accessible": d.wheelchair_accessible,
                "suitability": [t.name for t in d.suitability.all()]} for d in page]}
