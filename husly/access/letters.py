"""Letters to the resident about their rights: who has read their information, and the copy
of what Husly holds, in bokmål or nynorsk."""

from django.utils import timezone

from husly.access import selectors
from husly.common.documents import document_html


def access_log_letter_html(*, resident, staff, language: str) -> str:
    """Every read, one line per person, unit, day, information and basis with the number of
    reads: years of weekly follow-up stay a letter of pages, not of hundreds."""
    return document_html("access/letters/access_log.html", {
        "resident": resident, "municipality": staff.municipality,
        "days": selectors.access_log_by_day(resident=resident),
        # The total is the table's: the reads and the times the name was seen in a list.
        "reads": resident.access_log.count() + resident.list_reads.count(),
        "today": timezone.localdate(), "made_by": staff.user,
    }, language=language)


def data_copy_html(*, copy: dict, staff, language: str) -> str:
    return document_html("access/letters/data_copy.html", {
        **copy, "municipality": staff.municipality, "today": timezone.localdate(),
        "days": selectors.access_log_by_day(resident=copy["resident"])},
        language=language)
