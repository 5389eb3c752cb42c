import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from stdnum.no import fodselsnummer

from husly.common.identifiers import (
    bruksenhetsnummer_validate,
    matrikkel_parse,
    national_id_birth_date,
    national_id_validate,
)
from husly.demo.identities import synthetic_national_id


def _with_check_digits(base9: str) -> str:
    k1 = fodselsnummer.calc_check_digit1(base9)
    return base9 + k1 + fodselsnummer.calc_check_digit2(base9 + k1)


def test_synthetic_number_is_accepted_only_when_switched_on():
    number = synthetic_national_id(datetime.date(1985, 3, 12), random.Random(1))
    assert number[2:4] == "83"
    assert national_id_validate(number, allow_synthetic=True) == number
    assert national_id_birth_date(number) == datetime.date(1985, 3, 12)
    with pytest.raises(ValidationError) as exc:
        national_id_validate(number, allow_synthetic=False)
    assert exc.value.code == "national_id_synthetic"


def test_wrong_check_digit_is_refused_with_a_norwegian_message():
    number = synthetic_national_id(datetime.date(1990, 1, 1), random.Random(2))
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as exc:
        national_id_validate(broken, allow_synthetic=True)
    assert exc.value.code == "national_id_checksum"
    assert "kontrollsifrene" in exc.value.messages[0].lower()


def _valid_digits(prefix6: str) -> str:
    for individual in range(100, 400):
        number = _with_check_digits(f"{prefix6}{individual:03d}")
        if len(number) == 11:
            return number
    raise AssertionError("no number with valid check digits")


def test_impossible_birth_date_is_refused():
    number = _valid_digits("310289")  # 31 February 1989
    with pytest.raises(ValidationError) as exc:
        national_id_validate(number, allow_synthetic=False)
    assert exc.value.code == "national_id_date"


def test_d_number_is_accepted():
    # D-nummer: day + 40. Find one whose check digits are valid.
    number = _valid_digits("520390")
    assert national_id_validate(number, allow_synthetic=False) == number
    assert national_id_birth_date(number) == datetime.date(1990, 3, 12)


@pytest.mark.parametrize("value", ["12345", "abcdefghijk", "1234567890123"])
def test_malformed_number_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        national_id_validate(value, allow_synthetic=True)
    assert exc.value.code == "national_id_format"


def test_matrikkel_parses_all_parts():
    municipality, parts = matrikkel_parse("1108-38/112/0/3")
    assert municipality == "1108"
    assert (parts.gnr, parts.bnr, parts.fnr, parts.snr) == (38, 112, 0, 3)
    assert str(parts) == "38/112/0/3"
    assert str(matrikkel_parse("38/112")[1]) == "38/112"


@pytest.mark.parametrize("value", ["38", "38-112", "0/12", "a/b", "38/112/1/2/3"])
def test_malformed_matrikkel_is_refused(value):
    with pytest.raises(ValidationError):
        matrikkel_parse(value)


def test_bruksenhetsnummer():
    assert bruksenhetsnummer_validate("h0101") == "H0101"
    for bad in ("H101", "X0101", "H0001", "H01011"):
        with pytest.raises(ValidationError):
            bruksenhetsnummer_validate(bad)
