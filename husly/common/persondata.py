"""Person data, declared once (issue 18, docs/architecture.md).

Each app says in its own `persondata.py`, next to its models, which of them hold information
about a resident: in which category, how the resident's copy shows them (GDPR art. 15), how
retention anonymises them, and whether they keep the resident or the record. The copy
(`access.innsyn`), anonymisation and retention (`access.services`, `access.selectors`) read
these declarations and know no app's models. A model that reaches a resident but is no part
of the copy is exempted with the reason why. tests/access/test_person_data_declared.py fails
when a model with a path to a resident is neither.

This module is kernel: it imports nothing from the domain apps.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CopyContext:
    """What the maker of a copy may see: the categories they read, and whether the resident
    may be tied to an address (protected addresses, access rule 6)."""

    categories: frozenset[str]
    shows_address: bool

    def address(self, text: str) -> str:
        return text if self.shows_address else _("Hidden: protected address")


# A computed value in a copied record: name -> (label, raw value for the file, text).
Computed = Callable[[Any, CopyContext], dict[str, tuple[str, Any, str]]]


class Anonymiser(Protocol):
    """An app's own step in anonymising a resident, after the declared fields are blanked.
    `rows` are the resident's rows of the declared model."""

    def __call__(self, *, resident: Any, rows: QuerySet, by: Any,
                 today: datetime.date) -> None: ...


class Preserver(Protocol):
    def __call__(self, *, resident: Any, by: Any, today: datetime.date) -> None: ...


@dataclass(frozen=True)
class Part:
    """Rows that hang off a declared row (an application's decision and offers), copied
    right after it so the record reads in order. `accessor` is a reverse relation on the
    parent: a one-to-one or a related manager."""

    accessor: str
    fields: tuple[str, ...] = ()
    computed: Computed | None = None
    address_fields: tuple[str, ...] = ()
    anonymise_fields: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()

    def model_under(self, parent: type[models.Model]) -> type[models.Model]:
        return parent._meta.get_field(self.accessor).related_model

    def rows_under(self, parent: type[models.Model], parent_rows: QuerySet) -> QuerySet:
        relation = parent._meta.get_field(self.accessor)
        return relation.related_model._default_manager.filter(
            **{f"{relation.field.name}__in": parent_rows})


@dataclass(frozen=True)
class PersonData:
    """One section of the resident's copy, and what retention does with its rows.

    `resident` is the lookup from a row to the resident ("resident", "agreement__resident";
    "pk" for the resident row itself). `category` is a `Category` value (the section is in
    the copy only for makers who read it), a function row -> category for models whose
    category depends on the row (cases, financing, arrears), or None for what every maker
    shows (the person, consents). `address_fields` tie the resident to an address and are
    hidden from makers who may not see it. `kept_for_archive`: rows that archive rules
    require kept, so the resident is marked to be kept instead of anonymised (True, or a Q
    that picks those rows). `keeps_active(resident, cutoff)`: rows that keep the resident out
    of retention. `anonymise_events`: events about these rows copied values about the
    person, and are blanked with them.
    """

    model: type[models.Model]
    key: str
    title: Any
    order: int
    resident: str
    category: str | Callable[[Any], str] | None = None
    fields: tuple[str, ...] = ()
    category_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    computed: Computed | None = None
    address_fields: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    where: Q | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    shown_when_empty: bool = True
    anonymise_fields: tuple[str, ...] = ()
    anonymise: Anonymiser | None = None
    anonymise_events: bool = False
    preserve: Preserver | None = None
    kept_for_archive: bool | Q = False
    keeps_active: Callable[[Any, datetime.date], QuerySet] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def fixed_category(self) -> str | None:
        return self.category if isinstance(self.category, str) else None

    def rows_for(self, resident_pk) -> QuerySet:
        """The resident's rows; `resident_pk` may be an OuterRef("pk") for a subquery."""
        rows = self.model._default_manager.filter(**{self.resident: resident_pk})
        return rows.filter(self.where) if self.where is not None else rows

    def rows_to_copy(self, resident) -> QuerySet:
        rows = self.rows_for(resident.pk).select_related(*self.select_related)
        rows = rows.prefetch_related(*self.prefetch_related, *_part_paths(self.parts))
        return rows.order_by(*self.order_by) if self.order_by else rows

    def archive_rows(self, resident_pk) -> QuerySet | None:
        if self.kept_for_archive is False:
            return None
        rows = self.rows_for(resident_pk)
        return rows if self.kept_for_archive is True else rows.filter(self.kept_for_archive)

    def copy_fields(self, categories: frozenset[str]) -> tuple[str, ...]:
        more = (name for category, names in self.category_fields.items()
                 if category in categories for name in names)
        return (*self.fields, *more)

    def category_of(self, row) -> str | None:
        return self.category(row) if callable(self.category) else self.category

    def anonymise_rows(self, resident, *, by, today: datetime.date) -> None:
        rows = self.rows_for(resident.pk)
        if self.anonymise_fields:
            rows.update(**dict.fromkeys(self.anonymise_fields, ""))
        _anonymise_parts(self.model, rows, self.parts)
        if self.anonymise is not None:
            self.anonymise(resident=resident, rows=rows, by=by, today=today)


def _part_paths(parts: tuple[Part, ...], prefix: str = "") -> list[str]:
    paths = []
    for part in parts:
        path = f"{prefix}{part.accessor}"
        paths += [path, *_part_paths(part.parts, f"{path}__")]
    return paths


def _anonymise_parts(parent: type[models.Model], parent_rows: QuerySet,
                     parts: tuple[Part, ...]) -> None:
    for part in parts:
        rows = part.rows_under(parent, parent_rows)
        if part.anonymise_fields:
            rows.update(**dict.fromkeys(part.anonymise_fields, ""))
        _anonymise_parts(part.model_under(parent), rows, part.parts)


_declarations: dict[str, PersonData] = {}
_exempt: dict[str, str] = {}
_discovered = False


def register(declaration: PersonData) -> PersonData:
    known = _declarations.get(declaration.key)
    if known is not None and known.model is not declaration.model:
        raise ImproperlyConfigured(
            f"person data section {declaration.key!r} is declared by {known.label} and "
            f"{declaration.label}")
    _declarations[declaration.key] = declaration
    return declaration


def exempt(model_label: str, reason: str) -> None:
    """A model that reaches a resident but is no section of the copy, and why."""
    if not reason.strip():
        raise ImproperlyConfigured(f"exempting {model_label} from person data needs a reason")
    _exempt[model_label.lower()] = reason


def _discover() -> None:
    # Apps declare in their own persondata module; importing them all once is enough, and
    # doing it here (not in AppConfig.ready) keeps the kernel out of every app's start-up.
    global _discovered
    if not _discovered:
        autodiscover_modules("persondata")
        _discovered = True


def declarations() -> list[PersonData]:
    """Every declared section, in the order the copy shows them."""
    _discover()
    return sorted(_declarations.values(), key=lambda d: (d.order, d.key))


def exemptions() -> dict[str, str]:
    _discover()
    return dict(_exempt)


def person() -> PersonData:
    """The declaration of the resident row itself."""
    return next(d for d in declarations() if d.resident == "pk")


exempt("common.DomainEvent",
       "The audit trail: a resident's corrections are the copy's own section (access.innsyn); "
       "events about rows declared with anonymise_events are blanked when the resident is "
       "anonymised.")
