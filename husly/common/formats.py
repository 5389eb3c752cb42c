"""Numbers, shares and dates as the active language writes them: 1 234, 87,7 % and
januar 2026 in Norwegian; 1,234, 87.7 % and January 2026 in English."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format

# What a figure that cannot be computed (nobody to count) reads as.
NO_VALUE = "–"

# Between a number and its per cent sign: the sign never wraps onto a line of its own.
PERCENT_SIGN = "\xa0%"


def date_long(value) -> str:
    """A date as Norwegian staff write it: "12. mars 2026" (in the active language)."""
    return date_format(value, "DATE_FORMAT")


def month_name(value) -> str:
    """A month by name: "januar 2026" ("January 2026" in English)."""
    return date_format(value, "YEAR_MONTH_FORMAT")


def month_short(value) -> str:
    """A month's short name, where there is room for little: "jan.", "mai" ("Jan.", "May")."""
    return date_format(value, "N")


def rounded(value, decimals: int = 0) -> Decimal:
    """Rounded half up, as people round: Django's number formatting cuts the decimals off
    instead (2.96 would be 2,9). Through str, so 0.8765 is 0.8765 and not the binary float
    just under it."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value, decimals: int = 0) -> str:
    """A number with the language's decimal mark and thousands grouped: "1 234", "12,5"
    (a non-breaking space between the thousands in Norwegian; "1,234", "12.5" in English).
    Grouped here rather than by USE_THOUSAND_SEPARATOR, which would also group every year
    and id a template prints (2 026)."""
    if value is None:
        return NO_VALUE
    return number_format(rounded(value, decimals), decimals, use_l10n=True,
                         force_grouping=True)


def _hundredfold(share) -> Decimal:
    # Decimal before multiplying: 0.8765 * 100 as floats is 87.64999…, which rounds down.
    return Decimal(str(share)) * 100


def percent(share, decimals: int = 1) -> str:
    """A share between 0 and 1 as a percentage: 0.877 is "87,7 %" ("87.7 %" in English),
    rounded as the exports round it."""
    if share is None:
        return NO_VALUE
    return percent_number(share, decimals) + PERCENT_SIGN


def percent_number(share, decimals: int = 1) -> str:
    """The number of `percent` without its sign, for a sentence that places the sign."""
    return number(_hundredfold(share), decimals)


def percent_range(lower, upper, decimals: int = 1) -> str:
    """An interval of shares with one sign: "93,3–97,3 %"."""
    if lower is None or upper is None:
        return NO_VALUE
    return (f"{number(_hundredfold(lower), decimals)}–"
            f"{number(_hundredfold(upper), decimals)}{PERCENT_SIGN}")
