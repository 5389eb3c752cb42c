"""Synthetic fødselsnummer: month + 80, check digits from python-stdnum."""

import datetime
import random

from stdnum.no import fodselsnummer


def synthetic_national_id(birth_date: datetime.date, rng: random.Random) -> str:
    """A valid synthetic number for the birth date (never a real person's number)."""
    year = birth_date.year
    while True:
        if 1900 <= year <= 1999:
            individual = rng.randint(0, 499)
        elif 2000 <= year <= 2039:
            individual = rng.randint(500, 999)
        else:
            raise ValueError("birth year outside the synthetic range")
        base = f"{birth_date.day:02d}{birth_date.month + 80:02d}{year % 100:02d}{individual:03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10":
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if k2 == "10":
            continue
        return base + k1 + k2
