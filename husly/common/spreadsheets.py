"""Formula injection (CSV injection): a cell a spreadsheet program would run as a formula.

A text that starts with = + - @ (or a tab or carriage return, which some programs skip before
looking) is read by Excel and LibreOffice as a formula: `=HYPERLINK(...)` in a name can send
data away when someone opens the export. Exports neutralise such text by putting an
apostrophe in front (shown as text, the apostrophe hidden); imports refuse it in text fields
(husly.imports). Real numbers are left alone: -5 is a number, not a formula, and so is a
number written as signed text ("+1,0", "-2,5 %", a change shown on a page), which can do no
harm as a formula.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"^[+-]\d[\d.,]*(\s?%)?$")


def cell_is_formula(value) -> bool:
    """Whether `value` is text a spreadsheet program could take for a formula."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not SIGNED_NUMBER.match(value))


def cell_neutralise(value):
    """The value as an export writes it: formula-like text prefixed with an apostrophe."""
    if cell_is_formula(value):
        return "'" + value
    return value
