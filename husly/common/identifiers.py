"""Norwegian identifiers: fødselsnummer/D-nummer (python-stdnum), matrikkel, bruksenhetsnummer.

Validators raise ValidationError with a Norwegian message that says what to fix.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.no import fodselsnummer, orgnr

# The official synthetic convention (Skatteetaten/NHN test data): month + 80.
SYNTHETIC_MONTH_OFFSET = 80


def national_id_compact(value: str) -> str:
    return fodselsnummer.compact(value or "")


def national_id_is_synthetic(number: str) -> bool:
    number = national_id_compact(number)
    return len(number) == 11 and number.isdigit() and int(number[2:4]) > SYNTHETIC_MONTH_OFFSET


def national_id_validate(value: str, *, allow_synthetic: bool | None = None) -> str:
    """Return the compact fødselsnummer or D-nummer, or raise ValidationError saying why."""
    if allow_synthetic is None:
        allow_synthetic = settings.HUSLY_ALLOW_SYNTHETIC_IDS
    number = national_id_compact(value)
    if len(number) != 11 or not number.isdigit():
        raise ValidationError(
            _("A fødselsnummer or D-nummer has 11 digits. Check the number and try again."),
            code="national_id_format",
        )
    if national_id_is_synthetic(number):
        if not allow_synthetic:
            raise ValidationError(
                _("This is a synthetic test number (month + 80). Enter the person's real "
                  "fødselsnummer or D-nummer."),
                code="national_id_synthetic",
            )
        # stdnum knows D- and H-numbers; for synthetic ones check the digits it computes
        # and the birth date of the number with the month restored.
        if number[9] != fodselsnummer.calc_check_digit1(number) or number[10] != (
            fodselsnummer.calc_check_digit2(number)
        ):
            raise _checksum_error()
        restored = number[:2] + f"{int(number[2:4]) - SYNTHETIC_MONTH_OFFSET:02d}" + number[4:]
        try:
            fodselsnummer.get_birth_date(restored)
        except stdnum_exceptions.ValidationError:
            raise _date_error() from None
        return number
    try:
        return fodselsnummer.validate(number)
    except stdnum_exceptions.InvalidChecksum:
        raise _checksum_error() from None
    except stdnum_exceptions.ValidationError:
        raise _date_error() from None


def national_id_birth_date(number: str):
    number = national_id_compact(number)
    if national_id_is_synthetic(number):
        number = number[:2] + f"{int(number[2:4]) - SYNTHETIC_MONTH_OFFSET:02d}" + number[4:]
    return fodselsnummer.get_birth_date(number)


def national_id_masked(number: str) -> str:
    """Birth date part only, as lists show it: 010190 *****."""
    number = national_id_compact(number)
    return f"{number[:6]} *****" if number else ""


def _checksum_error() -> ValidationError:
    return ValidationError(
        _("The check digits do not match. Check that every digit is typed correctly."),
        code="national_id_checksum",
    )


def _date_error() -> ValidationError:
    return ValidationError(
        _("The first six digits are not a possible birth date. Check the number."),
        code="national_id_date",
    )


def organisation_number_validate(value: str) -> str:
    try:
        return orgnr.validate(value)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("An organisation number has 9 digits with a valid check digit. Check the number."),
            code="orgnr",
        ) from None


BRUKSENHETSNUMMER_RE = re.compile(r"^[HKLU](0[1-9]|[1-9]\d)(0[1-9]|[1-9]\d)$")


def bruksenhetsnummer_validate(value: str) -> str:
    value = (value or "").strip().upper()
    if not BRUKSENHETSNUMMER_RE.match(value):
        raise ValidationError(
            _("Write the unit number as a letter (H, K, L or U) and four digits, e.g. H0101."),
            code="bruksenhetsnummer",
        )
    return value


@dataclass(frozen=True)
class Matrikkel:
    gnr: int
    bnr: int
    fnr: int | None = None
    snr: int | None = None

    def __str__(self) -> str:
        parts = [str(self.gnr), str(self.bnr)]
        if self.fnr is not None or self.snr is not None:
            parts.append(str(self.fnr or 0))
        if self.snr is not None:
            parts.append(str(self.snr))
        return "/".join(parts)


MATRIKKEL_RE = re.compile(r"^(?:(\d{4})-)?(\d{1,5})/(\d{1,4})(?:/(\d{1,4}))?(?:/(\d{1,3}))?$")


def matrikkel_parse(value: str) -> tuple[str | None, Matrikkel]:
    """Parse '[kommunenr-]gnr/bnr[/fnr][/snr]' into the municipality number and the parts."""
    match = MATRIKKEL_RE.match((value or "").replace(" ", ""))
    if not match:
        raise ValidationError(
            _("Write the cadastral number as gnr/bnr with optional /fnr and /snr, e.g. 38/112 "
              "or 38/112/0/3."),
            code="matrikkel",
        )
    municipality_number, gnr, bnr, fnr, snr = match.groups()
    if int(gnr) == 0 or int(bnr) == 0:
        raise ValidationError(
            _("Gårdsnummer and bruksnummer start at 1. Check the cadastral number."),
            code="matrikkel",
        )
    return municipality_number, Matrikkel(
        int(gnr), int(bnr), int(fnr) if fnr else None, int(snr) if snr else None
    )
