"""Small-number protection for published tables, after Statistics Norway's practice
(ADR 0034): primary suppression of small counts, then complementary (secondary) suppression
chosen the way SSB's GaussSuppression chooses it, so that no hidden count can be worked out
from what is published by adding and subtracting.

A table is described as cells, each the sum of some *inner* counts (with coefficients): a
month's inflow is the sum of its kinds; the number at a month's end is last month's plus the
inflow minus the outflow; an average of three months is their sum divided by three. What an
attacker can derive from the published cells is exactly the linear span of their vectors, so a
hidden cell is safe when its vector is outside that span. The cells are published one by one
in order of priority (stocks and totals, then zeros, then the largest), each only if
publishing it keeps every primary cell outside the span, also for the one person in a count
of 1 who knows it; the others become secondary suppressions.

Cells that the page never prints but that a reader can form by subtraction (the meetings
*not* held in time, when the held and the due are printed) are given as `printed=False`: they
are protected like the printed ones when small, and never published.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

# SSB's symbol for a figure not published for reasons of confidentiality.
HIDDEN = ":"


@dataclass
class Cell:
    key: Hashable
    value: int
    terms: dict[Hashable, int | Fraction]
    # Higher first: a total is kept before its parts, as the reader needs it most.
    priority: int = 0
    printed: bool = True


@dataclass
class Relation:
    """A linear relation the reader knows holds, such as the stock at a month's end being the
    previous one plus the inflow minus the outflow. The value of `terms` is `value`."""

    terms: dict[Hashable, int | Fraction]
    value: int = 0


@dataclass
class _Span:
    """The published vectors, in row echelon form over the rationals: each row has a pivot
    where the rows after it are zero, so reducing a vector row by row leaves a residual that is
    the same for every vector differing from it by a published combination."""

    rows: list[tuple[int, dict[int, int | Fraction]]] = field(default_factory=list)

    def residual(self, vector: dict[int, int | Fraction]) -> dict[int, int | Fraction]:
        r = vector
        for pivot, row in self.rows:
            r = _eliminate(r, pivot, row)
        return r

    def add(self, residual: dict[int, int | Fraction]) -> tuple[int, dict]:
        pivot = min(residual)
        self.rows.append((pivot, residual))
        return pivot, residual


def _ratio(a, b):
    if isinstance(a, int) and isinstance(b, int):
        q, r = divmod(a, b)
        return q if r == 0 else Fraction(a, b)
    return Fraction(a) / Fraction(b)


def _eliminate(r: dict, pivot: int, row: dict) -> dict:
    v = r.get(pivot)
    if not v:
        return r
    factor = _ratio(v, row[pivot])
    out = dict(r)
    for k, x in row.items():
        y = out.get(k, 0) - factor * x
        if y:
            out[k] = y
        else:
            out.pop(k, None)
    return out


def _parallel(a: dict, b: dict) -> bool:
    """Whether the two non-zero vectors are multiples of each other."""
    if a.keys() != b.keys():
        return False
    k = next(iter(a))
    ratio = _ratio(a[k], b[k])
    return all(a[i] == ratio * b[i] for i in a)


def is_small(value: int, small: int) -> bool:
    return 0 < value < small


def _in_span_of_two(p: dict, a: dict, b: dict) -> bool:
    """Whether p is a combination of a and b (all residuals, a non-zero)."""
    pivot = min(a)
    p, b = _eliminate(p, pivot, a), _eliminate(b, pivot, a)
    if not p:
        return True
    if not b:
        return False
    return not _eliminate(p, min(b), b)


def hidden_cells(cells: Iterable[Cell], *, small: int,
                 relations: Iterable[Relation] = ()) -> set[Hashable]:
    """The keys of the cells to show as hidden: the small ones and the fewest others chosen so
    that none of the small ones can be derived from the rest and the relations.

    A cell that is one inner count with the value 1 makes that count a singleton: the one
    person in it knows it, so no small cell may be derivable even with it known
    (GaussSuppression's singleton problem). A small cell that is that person alone (value 1,
    made of the singleton) tells them nothing new and is not checked against it."""
    cells = list(cells)
    singletons = {next(iter(c.terms)) for c in cells
                  if c.value == 1 and len(c.terms) == 1 and next(iter(c.terms.values())) == 1}
    index: dict[Hashable, int] = {}

    def vector(terms) -> dict[int, int | Fraction]:
        out = {}
        for key, coefficient in terms.items():
            if coefficient:
                out[index.setdefault(key, len(index))] = coefficient
        return out

    relation_vectors = [vector(r.terms) for r in relations]
    cell_vectors = {c.key: vector(c.terms) for c in cells}
    primary = [c for c in cells if is_small(c.value, small)]
    primary_keys = {c.key for c in primary}
    span = _Span()
    for v in relation_vectors:
        r = span.residual(v)
        if r:
            span.add(r)
    # A cell the relations alone determine cannot be protected by hiding: say so loudly.
    residuals = {}
    for c in primary:
        r = span.residual(cell_vectors[c.key])
        if not r:
            raise ValueError("a small cell is fixed by the relations alone")
        residuals[c.key] = r
    # Per singleton: its own residual, and the small cells it must not open.
    lonely = {}
    for key in singletons:
        if key not in index:
            continue
        r = span.residual({index[key]: 1})
        if not r:
            continue
        # Not the person alone, and not what the relations already tell them (no hiding
        # can help there).
        guarded = [c.key for c in primary if not (c.value == 1 and c.terms.get(key))
                   and not _parallel(residuals[c.key], r)]
        if guarded:
            lonely[key] = (r, guarded)
    hidden = {c.key for c in primary if c.printed}

    def discloses(r) -> bool:
        if any(_parallel(p, r) for p in residuals.values()):
            return True
        return any(_in_span_of_two(residuals[k], r, own)
                   for own, guarded in lonely.values() for k in guarded)

    # What the reader needs most first (the number without a home now, the month ends, the
    # totals), then zeros, then the largest, then in the table's order: the smallest cells
    # are hidden first. GaussSuppression publishes zeros before everything; here a stock or
    # total comes before them, and a zero may be hidden in its stead, which also keeps a
    # reader from knowing that every hidden count is at least 1.
    order = sorted((c for c in cells if c.printed and c.key not in primary_keys),
                   key=lambda c: (-c.priority, c.value != 0, -c.value))
    for c in order:
        r = span.residual(cell_vectors[c.key])
        if not r:
            continue
        if discloses(r):
            hidden.add(c.key)
            continue
        pivot, row = span.add(r)
        residuals = {k: _eliminate(p, pivot, row) for k, p in residuals.items()}
        lonely = {k: (_eliminate(own, pivot, row), guarded)
                  for k, (own, guarded) in lonely.items()}
        # A singleton now in the published span is known to every reader anyway.
        lonely = {k: v for k, v in lonely.items() if v[0]}
    return hidden
