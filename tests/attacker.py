"""The attacker of the disclosure tests (ADR 0034): everything a reader sees, and every
relation they know, put together by linear algebra. Written apart from husly.common.disclosure
(floating-point ranks by numpy rather than exact elimination), so that the two do not share a
mistake."""

import numpy


def attacker_derives(cells, relations, hidden, knows=()) -> set:
    """The hidden (or never printed) cells whose vectors lie in the span of the published
    cells and the known relations: the counts a reader works out exactly. `knows` are inner
    counts the reader knows besides (the one person in a count of 1 knows it)."""
    unknowns = sorted({k for c in cells for k in c.terms} | {k for r in relations
                                                             for k in r.terms}, key=repr)
    column = {k: i for i, k in enumerate(unknowns)}

    def row(terms):
        v = numpy.zeros(len(unknowns))
        for k, x in terms.items():
            v[column[k]] = float(x)
        return v

    known = [row({k: 1}) for k in knows] + [row(r.terms) for r in relations] + [
        row(c.terms) for c in cells if c.printed and c.key not in hidden]
    base = numpy.linalg.matrix_rank(numpy.array(known)) if known else 0
    found = set()
    for c in cells:
        if c.key in hidden or not c.printed:
            with_cell = numpy.array([*known, row(c.terms)])
            if numpy.linalg.matrix_rank(with_cell) == base:
                found.add(c.key)
    return found
