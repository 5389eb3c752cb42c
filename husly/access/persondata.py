"""The access app's person data: consents and emergency accesses (husly.common.persondata).
The access log is the copy's own last section, written by `access.innsyn`."""

from django.db import transaction
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from husly.access.models import BreakGlass, Consent
from husly.common.models import Category
from husly.common.persondata import PersonData, exempt, register


def _consent_covers(consent, context) -> dict:
    to_units = consent.to_units.all()
    return {
        "categories": (gettext("Covers"), consent.categories,
                       ", ".join(str(Category(c).label) for c in consent.categories)),
        "to_units": (gettext("To"), [u.pk for u in to_units],
                     ", ".join(u.name for u in to_units)),
    }


def _consent_scans_delete(*, resident, rows, by, today) -> None:
    # The files go only once the anonymisation has committed: a rollback keeps them.
    for consent in rows.exclude(attachment=""):
        name, storage = consent.attachment.name, consent.attachment.storage
        transaction.on_commit(lambda n=name, st=storage: st.delete(n))
    rows.update(attachment="")


def _moment(value) -> tuple:
    if value is None:
        return None, "–"
    return value.isoformat(), date_format(localtime(value), "DATETIME_FORMAT")


def _emergency_access(glass, context) -> dict:
    # Who opened the record, when and why; the explanation and the review note are free text
    # that may tell of health, so they stay with the team leader who reviews them.
    return {
        "user": (gettext("Who"), glass.user_id, str(glass.user)),
        "started_at": (gettext("When"), *_moment(glass.started_at)),
        "expires_at": (gettext("Expires"), *_moment(glass.expires_at)),
        "reason": (capfirst(BreakGlass._meta.get_field("reason").verbose_name), glass.reason,
                   glass.get_reason_display()),
        "reviewed_at": (gettext("Reviewed"), *_moment(glass.reviewed_at)),
        "review_outcome": (capfirst(BreakGlass._meta.get_field("review_outcome").verbose_name),
                           glass.review_outcome, glass.get_review_outcome_display() or "–"),
    }


register(PersonData(
    model=Consent, key="consents", title=_("Consents"), order=150, resident="resident",
    fields=("given_on", "expires_on", "withdrawn_on", "purpose", "form"),
    computed=_consent_covers, prefetch_related=("to_units",),
    anonymise_fields=("purpose",), anonymise=_consent_scans_delete,
))

register(PersonData(
    model=BreakGlass, key="emergency_access", title=_("Emergency access"), order=160,
    resident="resident", computed=_emergency_access, select_related=("user",),
    anonymise_fields=("explanation", "review_note"),
))

exempt("access.AccessLogEntry",
       "The access log: kept as it is, never anonymised, and shown as the copy's own last "
       "section (access.innsyn.access_log_record_out), not through a declaration.")
_LIST_READS = ("The log of lists that showed the resident's name: kept as it is, never "
               "anonymised, and shown as the copy's own section after the access log "
               "(access.innsyn.list_read_record_out), not through a declaration.")
exempt("access.AccessListRead", _LIST_READS)
exempt("access.AccessListReadResident", _LIST_READS)
