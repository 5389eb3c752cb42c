"""Letters to the resident about their rights: who has read their information, and the copy
of what Husly holds, in bokmål or nynorsk."""

from django.utils import timezone

from husly.access import innsyn, selectors
from husly.common.documents import document_html


def access_log_letter_html(*, resident, staff, language: str) -> str:
    return document_html("access/letters/access_log.html", {
        "resident": resident, "municipality": staff.municipality,
        "entries": [innsyn.access_log_record_out(e)
                    for e in selectors.access_log_for(resident=resident)],
        "today": timezone.localdate(), "made_by": staff.user,
    }, language=language)


def data_copy_html(*, copy: dict, staff, language: str) -> str:
    return document_html("access/letters/data_copy.html", {
        **copy, "municipality": staff.municipality, "today": timezone.localdate()},
        language=language)
