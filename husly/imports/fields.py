"""What each kind of import reads: its Husly fields, the header names that map to them, and
how a cell becomes a value. A parser raises ValidationError with a message that says what to
fix and never repeats the cell's value (it may be a fødselsnummer)."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from husly.common.identifiers import (
    bruksenhetsnummer_validate,
    matrikkel_parse,
    national_id_validate,
)
from husly.common.spreadsheets import FORMULA_STARTS
from husly.housing.models import DwellingKind, DwellingStatus, TenancyEndReason
from husly.imports.models import ImportKind
from husly.people.models import HousingSituation


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # a lazy translation
    parse: Callable[[str], object]
    required: bool = False
    synonyms: tuple[str, ...] = ()
    text: bool = False  # free text: a cell that starts like a formula is refused
    empty: object = ""


def header_key(name: str) -> str:
    """A header name compared loosely: "Post-nr." and "postnr" are the same."""
    return re.sub(r"[^0-9a-zæøå]", "", (name or "").casefold())


# -- parsers -----------------------------------------------------------------------------


def text(max_length: int):
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValidationError(_("The text is longer than %(max)s characters. Shorten it.")
                                  % {"max": max_length})
        return value
    return parse


def postal_code(value: str) -> str:
    value = value.replace(" ", "")
    if value.isdigit() and len(value) < 4:
        value = value.zfill(4)  # Excel drops the leading zero of 0150
    if not (value.isdigit() and len(value) == 4):
        raise ValidationError(_("A postal code has four digits."))
    return value


def unit_number(value: str) -> str:
    return bruksenhetsnummer_validate(value)


def matrikkel(value: str) -> str:
    matrikkel_parse(value)
    return value.replace(" ", "")


def _number_text(value: str) -> str:
    value = value.replace("\u00a0", "").replace(" ", "").replace("kr", "").rstrip(",-")
    return value.replace(",", ".")


def whole_number(minimum: int | None = None, maximum: int | None = None):
    def parse(value: str) -> int:
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            raise ValidationError(_("Write a whole number, e.g. 3."))
        number = int(number)
        if (minimum is not None and number < minimum) or (
                maximum is not None and number > maximum):
            raise ValidationError(_("Write a number from %(min)s to %(max)s.")
                                  % {"min": minimum, "max": maximum})
        return number
    return parse


def amount(max_digits: int, decimal_places: int):
    def parse(value: str) -> Decimal:
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            raise ValidationError(_("Write a number, e.g. 7500 or 48,5.")) from None
        if not number.is_finite() or number < 0:
            raise ValidationError(_("Write a number, 0 or more."))
        number = number.quantize(Decimal(1).scaleb(-decimal_places))
        if len(number.as_tuple().digits) > max_digits:
            raise ValidationError(_("The number is too large. Check the cell."))
        return number
    return parse


YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
NO = {"nei", "n", "no", "false", "usann", "0", "-"}


def yes_no(value: str) -> bool:
    key = value.casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValidationError(_("Write “ja” or “nei”."))


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y")


def date(value: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("Write the date as dd.mm.åååå (e.g. 01.03.2024) or åååå-mm-dd."))


def choice(choices, synonyms: dict[str, str] | None = None, exclude=()):
    """A value by its code or its label in bokmål, nynorsk or English."""
    allowed = [(code, label) for code, label in choices.choices if code not in exclude]

    def lookup() -> dict[str, str]:
        table = {header_key(k): v for k, v in (synonyms or {}).items()}
        for code, _label in allowed:
            table[header_key(code)] = code
            for language in ("nb", "nn", "en"):
                with translation.override(language):
                    table[header_key(str(choices(code).label))] = code
        return table

    def parse(value: str) -> str:
        code = lookup().get(header_key(value))
        if code is None:
            raise ValidationError(_("Unknown value. Use one of: %(values)s.") % {
                "values": ", ".join(str(label) for _c, label in allowed)})
        return code
    return parse


def national_id(value: str) -> str:
    return national_id_validate(value)


def national_ids(value: str) -> list[str]:
    """One or more numbers in one cell, separated by a comma, a semicolon or a slash."""
    numbers = [national_id_validate(part) for part in re.split(r"[,;/\n]+", value)
               if part.strip()]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("The same fødselsnummer is given twice in the cell."))
    return numbers


PHONE_RE = re.compile(r"^\+?[0-9 ]{5,19}$")


def phone(value: str) -> str:
    if not PHONE_RE.match(value):
        raise ValidationError(_("Write the phone number with digits only, e.g. +47 912 34 567."))
    return value


def formula_problem(value: str) -> str | None:
    """Why a text cell is refused: it starts like a formula (the character is named, the
    cell's value is not repeated)."""
    if value.startswith(FORMULA_STARTS):
        start = {"\t": _("a tab"), "\r": _("a line break")}.get(
            value[0], _("“%(char)s”") % {"char": value[0]})
        return _("The cell starts with %(start)s, which a spreadsheet program may run as a "
                 "formula. Remove the character or correct the cell.") % {"start": start}
    return None


# -- the kinds -----------------------------------------------------------------------------

ADDRESS = Field("street_address", gettext_lazy("Street address"), text(150), required=True,
                synonyms=("adresse", "gateadresse", "address", "streetaddress", "boligadresse",
                          "vegadresse"), text=True)
POSTAL_CODE = Field("postal_code", gettext_lazy("Postal code"), postal_code, required=True,
                    synonyms=("postnummer", "postnr", "postalcode", "zip", "zipcode"))
UNIT = Field("bruksenhetsnummer", gettext_lazy("Unit number (bruksenhetsnummer)"), unit_number,
             synonyms=("bruksenhetsnummer", "bruksenhet", "bruksenhetsnr", "leilighetsnummer",
                       "bolignummer", "unit", "unitnumber"))

DWELLING_KIND_SYNONYMS = {
    "omsorgsbolig": DwellingKind.CARE, "omsorg": DwellingKind.CARE,
    "gjennomgangsbolig": DwellingKind.TRANSITIONAL, "gjennomgang": DwellingKind.TRANSITIONAL,
    "småhus": DwellingKind.SMALL_HOUSE, "smahus": DwellingKind.SMALL_HOUSE,
    "utleiebolig": DwellingKind.ORDINARY, "kommunalutleiebolig": DwellingKind.ORDINARY,
    "innleid": DwellingKind.PRIVATE_LEASE, "innleidbolig": DwellingKind.PRIVATE_LEASE,
}


FIELDS: dict[str, list[Field]] = {
    ImportKind.DWELLINGS: [
        ADDRESS, POSTAL_CODE,
        Field("postal_place", gettext_lazy("Postal place"), text(80), required=True,
              synonyms=("poststed", "sted", "postalplace", "city", "town"), text=True),
        UNIT,
        Field("matrikkel", gettext_lazy("Cadastral number (gnr/bnr)"), matrikkel,
              required=True, synonyms=("matrikkel", "matrikkelnummer", "gnrbnr", "gnrbnrfnrsnr",
                                       "cadastralnumber", "cadastre")),
        Field("kind", gettext_lazy("Kind"), choice(DwellingKind, DWELLING_KIND_SYNONYMS),
              required=True, synonyms=("type", "boligtype", "kind", "kategori", "category")),
        Field("rooms", gettext_lazy("Rooms"), whole_number(1, 50), required=True,
              synonyms=("rom", "antallrom", "rooms", "numberofrooms"), empty=None),
        Field("area_m2", gettext_lazy("Area (m²)"), amount(6, 1), required=True,
              synonyms=("areal", "arealm2", "arealm²", "bra", "bram2", "area", "aream2",
                        "aream²"), empty=None),
        Field("floor", gettext_lazy("Floor"), whole_number(-5, 99),
              synonyms=("etasje", "etg", "floor", "storey"), empty=1),
        Field("has_lift", gettext_lazy("Lift"), yes_no,
              synonyms=("heis", "lift", "elevator"), empty=False),
        Field("wheelchair_accessible", gettext_lazy("Wheelchair accessible"), yes_no,
              synonyms=("rullestol", "rullestoltilgjengelig", "tilgjengeligforrullestol",
                        "universeltutformet", "wheelchair", "wheelchairaccessible"),
              empty=False),
        Field("status", gettext_lazy("Status (new dwellings only)"), choice(
              DwellingStatus, {"ledig": DwellingStatus.VACANT,
                               "klargjøres": DwellingStatus.BEING_PREPARED,
                               "uteavdrift": DwellingStatus.OUT_OF_SERVICE},
              exclude=(DwellingStatus.LET,)),
              synonyms=("status", "tilstand"), empty=DwellingStatus.VACANT),
    ],
    ImportKind.RESIDENTS: [
        Field("national_id", gettext_lazy("Fødselsnummer or D-nummer"), national_id,
              required=True, synonyms=("fødselsnummer", "fodselsnummer", "fnr", "fødselsnr",
                                       "personnummer", "dnummer", "fødselsnummerdnummer",
                                       "nationalid", "nationalidentitynumber")),
        Field("given_name", gettext_lazy("Given name"), text(100), required=True,
              synonyms=("fornavn", "givenname", "firstname"), text=True),
        Field("family_name", gettext_lazy("Family name"), text(100), required=True,
              synonyms=("etternavn", "familienavn", "familyname", "lastname", "surname"),
              text=True),
        Field("phone", gettext_lazy("Phone"), phone,
              synonyms=("telefon", "telefonnummer", "tlf", "mobil", "mobilnummer", "phone",
                        "mobile")),
        Field("housing_situation", gettext_lazy("Housing situation (new residents only)"),
              choice(HousingSituation, {"kommunalbolig": HousingSituation.MUNICIPAL_TENANCY,
                                        "leierkommunalbolig": HousingSituation.MUNICIPAL_TENANCY,
                                        "egenbolig": HousingSituation.OWN_HOME,
                                        "gate": HousingSituation.STREET,
                                        "hospits": HousingSituation.SHELTER_TEMPORARY,
                                        "midlertidigbotilbud":
                                            HousingSituation.SHELTER_TEMPORARY,
                                        "akuttovernatting": HousingSituation.SHELTER_TEMPORARY}),
              required=True, synonyms=("boligsituasjon", "situasjon", "housingsituation")),
        Field("housing_situation_since", gettext_lazy("In this situation since"), date,
              synonyms=("siden", "situasjonsiden", "isituasjonensiden", "since",
                        "situationsince"), empty=None),
    ],
    ImportKind.TENANCIES: [
        ADDRESS, POSTAL_CODE, UNIT,
        Field("national_ids", gettext_lazy("Fødselsnummer of the residents"), national_ids,
              required=True, synonyms=("fødselsnummer", "fodselsnummer", "fnr", "personnummer",
                                       "leietaker", "leietakerfnr", "nationalid", "tenant")),
        Field("start_date", gettext_lazy("Start"), date, required=True,
              synonyms=("start", "startdato", "fra", "fradato", "innflytting", "innflyttet",
                        "leiestart", "startdate", "from"), empty=None),
        Field("monthly_rent", gettext_lazy("Monthly rent (kr)"), amount(8, 0), required=True,
              synonyms=("husleie", "leie", "månedsleie", "manedsleie", "monthlyrent", "rent"),
              empty=None),
        Field("fixed_term_end", gettext_lazy("Fixed-term end"), date,
              synonyms=("tidsbestemttil", "kontrakttil", "kontraktslutt", "tidsbestemt",
                        "fixedtermend"), empty=None),
        Field("end_date", gettext_lazy("Ended"), date,
              synonyms=("sluttdato", "slutt", "utflytting", "utflyttet", "tildato", "til",
                        "enddate", "ended", "end"), empty=None),
        Field("end_reason", gettext_lazy("End reason"), choice(TenancyEndReason),
              synonyms=("sluttårsak", "sluttarsak", "årsak", "endreason", "reason")),
    ],
}


def fields_for(kind: str) -> list[Field]:
    return FIELDS[kind]


def mapping_guess(kind: str, header: list[str]) -> dict[str, int]:
    """Each Husly field's column, found by the header's name: its own label in any language,
    or a Norwegian or English synonym."""
    keys = [header_key(h) for h in header]
    guess: dict[str, int] = {}
    for field in fields_for(kind):
        names = {header_key(field.name)} | {header_key(s) for s in field.synonyms}
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                names.add(header_key(str(field.label)))
        for index, key in enumerate(keys):
            if key in names and index not in guess.values():
                guess[field.name] = index
                break
    return guess


def row_values(kind: str, mapping: dict[str, int], cells: list[str]):
    """The row's values by field, and its problems as {field name: message}."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for field in fields_for(kind):
        index = mapping.get(field.name)
        raw = cells[index] if index is not None and index < len(cells) else ""
        if raw.startswith("=") or (field.text and raw.startswith(FORMULA_STARTS)):
            problems[field.name] = formula_problem(raw)
            continue
        raw = raw.strip()
        if not raw:
            if field.required:
                problems[field.name] = _("The cell is empty. Fill it in.")
            values[field.name] = field.empty
            continue
        try:
            values[field.name] = field.parse(raw)
        except ValidationError as exc:
            problems[field.name] = " ".join(exc.messages)
    return values, problems
