from django.utils.formats import date_format


def date_long(value) -> str:
    """A date as Norwegian staff write it: "12. mars 2026" (in the active language)."""
    return date_format(value, "DATE_FORMAT")
