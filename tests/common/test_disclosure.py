"""Small-number protection (ADR 0034): the small counts are hidden, and enough others that no
hidden count follows from the published ones by adding and subtracting. Checked against an
independent attacker: numpy's rank of what is published, with and without each hidden cell."""

from hypothesis import given, settings
from hypothesis import strategies as st

from husly.common.disclosure import Cell, Relation, hidden_cells
from tests.attacker import attacker_derives

SMALL = 5


def test_a_part_and_its_whole_hide_the_part_and_protect_the_rest():
    # Given 6 of 9 meetings held in time: the 3 not held are a small group
    cells = [Cell("held", 6, {"held": 1}), Cell("due", 9, {"held": 1, "late": 1}, priority=1),
             Cell("late", 3, {"late": 1}, printed=False)]
    # When protected, then the held are hidden, as the due minus them would tell the 3
    assert hidden_cells(cells, small=SMALL) == {"held"}


def test_a_small_part_hides_one_more_part_not_the_total():
    # Given an inflow of 12: 10 newly identified, 2 returned, none back from inactive
    cells = [Cell("new", 10, {"new": 1}), Cell("back", 2, {"back": 1}),
             Cell("inactive", 0, {"inactive": 1}),
             Cell("total", 12, {"new": 1, "back": 1, "inactive": 1}, priority=1)]
    hidden = hidden_cells(cells, small=SMALL)
    # Then the 2 and the 10 are hidden, the total and the zero are shown (among the parts,
    # zeros are published first)
    assert hidden == {"back", "new"}
    assert attacker_derives(cells, [], hidden) == set()
    # And hiding only the 2 would give it away: total minus the others
    assert attacker_derives(cells, [], {"back"}) == {"back"}


@st.composite
def monthly_tables(draw):
    """A flow table as on the inflow and outflow page: per month three kinds in, three
    out, their totals, the stock at the month's end (linked month to month), and an average
    of one kind over three months. Counts drawn mostly small, so that much is protected."""
    months = draw(st.integers(min_value=1, max_value=8))
    count = st.one_of(st.integers(0, 6), st.integers(0, 40))
    cells, relations, stock = [], [], draw(st.integers(0, 60))
    for m in range(months):
        ins = [draw(count) for _ in range(3)]
        outs = [draw(count) for _ in range(3)]
        for k, v in enumerate(ins):
            cells.append(Cell(("in", m, k), v, {("i", m, k): 1}))
        for k, v in enumerate(outs):
            cells.append(Cell(("out", m, k), v, {("o", m, k): 1}))
        cells.append(Cell(("in_total", m), sum(ins), {("i", m, k): 1 for k in range(3)}, 1))
        cells.append(Cell(("out_total", m), sum(outs), {("o", m, k): 1 for k in range(3)}, 1))
        stock = stock + sum(ins) - sum(outs)
        cells.append(Cell(("stock", m), stock, {("s", m): 1}, 2))
        relations.append(Relation({("s", m): 1, ("s", m - 1): -1,
                                   **{("i", m, k): -1 for k in range(3)},
                                   **{("o", m, k): 1 for k in range(3)}}))
    if months >= 3:
        cells.append(Cell("average", sum(c.value for c in cells if c.key in {
            ("out", m, 0) for m in range(months - 3, months)}),
            {("o", m, 0): 1 for m in range(months - 3, months)}, 1))
    return cells, relations


@settings(max_examples=150, deadline=None)
@given(monthly_tables())
def test_no_hidden_count_can_be_worked_out_on_any_table(table):
    cells, relations = table
    # When the table is protected
    hidden = hidden_cells(cells, small=SMALL, relations=relations)
    # Then every small count is hidden, and the attacker derives no hidden cell
    assert {c.key for c in cells if 0 < c.value < SMALL} <= hidden
    assert attacker_derives(cells, relations, hidden) == set()
    # And the one person in a count of 1, who knows it, works out no other small count
    # (beyond what the relations alone would tell them, which no hiding can change)
    small = {c.key for c in cells if 0 < c.value < SMALL}
    everything = {c.key for c in cells}
    for one in {next(iter(c.terms)) for c in cells if c.value == 1 and len(c.terms) == 1}:
        themselves = {c.key for c in cells if c.value == 1 and c.terms.get(one)}
        anyway = attacker_derives(cells, relations, everything, knows=[one])
        assert attacker_derives(cells, relations, hidden, knows=[one]) & small \
            <= themselves | anyway


def test_the_one_person_in_a_cell_cannot_subtract_themself():
    # Given 5 = 1 + 4: both are small; the one person in the 1 knows it
    cells = [Cell("a", 1, {"a": 1}), Cell("b", 4, {"b": 1}),
             Cell("total", 5, {"a": 1, "b": 1}, priority=1)]
    hidden = hidden_cells(cells, small=SMALL)
    # Then the total is hidden too: with it, that person would know the 4
    assert hidden == {"a", "b", "total"}
    assert attacker_derives(cells, [], {"a", "b"}, knows=["a"]) == {"a", "b"}
    assert attacker_derives(cells, [], hidden, knows=["a"]) == {"a"}
