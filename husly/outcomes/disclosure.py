"""Which outcome figures a reader who sees no people is not shown (ADR 0034).

Each function describes one set of figures as cells of inner counts (common.disclosure) with
every relation a reader knows between them, and returns the keys of the figures to hide: the
small counts, the counts chosen to protect them, and the shares, averages, medians and curves
computed from a hidden count. The same set is hidden on the page, in its downloads, in its
chart and in the council report, so that no two of them together tell more than one.
"""

from __future__ import annotations

from collections.abc import Hashable

from husly.common.disclosure import Cell, Relation, hidden_cells
from husly.outcomes.models import EpisodeEnd, EpisodeStart
from husly.outcomes.stability import DAYS_PER_MONTH

# Totals and stocks are what a reader needs most: kept before their parts.
TOTAL, STOCK = 1, 2


def flow_hidden(flow: dict, *, small: int) -> set[Hashable]:
    """The monthly inflow and outflow table, the number without a home at each month's end
    and now, and the average housed per month over the last three whole months.

    Keys: ("in", i, kind), ("in_total", i), ("out", i, kind), ("out_total", i), ("active", i)
    for row i, and "current" and "housed_average"."""
    rows = flow["rows"]
    cells, relations = [], []
    for i, row in enumerate(rows):
        ins = {k: {("x_in", i, k): 1} for k in EpisodeStart.values}
        outs = {k: {("x_out", i, k): 1} for k in EpisodeEnd.values}
        for k, terms in ins.items():
            cells.append(Cell(("in", i, k), row["inflow"][k], terms))
        cells.append(Cell(("in_total", i), row["inflow_total"],
                          {key: 1 for t in ins.values() for key in t}, TOTAL))
        for k, terms in outs.items():
            cells.append(Cell(("out", i, k), row["outflow"][k], terms))
        cells.append(Cell(("out_total", i), row["outflow_total"],
                          {key: 1 for t in outs.values() for key in t}, TOTAL))
        cells.append(Cell(("active", i), row["active"], {("stock", i): 1}, STOCK))
        # The number at a month's end is the one before it, plus the inflow, minus the outflow.
        relations.append(Relation({("stock", i): 1, ("stock", i - 1): -1,
                                   **{key: -1 for t in ins.values() for key in t},
                                   **{key: 1 for t in outs.values() for key in t}}))
    if rows:
        cells.append(Cell("current", flow["current"], {("stock", len(rows) - 1): 1}, STOCK))
    whole = range(len(rows) - 4, len(rows) - 1)
    if len(rows) >= 4:
        # The average, shown to one decimal, gives the sum of the three months exactly.
        cells.append(Cell("housed_average",
                          sum(rows[i]["outflow"][EpisodeEnd.HOUSED] for i in whole),
                          {("x_out", i, EpisodeEnd.HOUSED): 1 for i in whole}, TOTAL))
    return hidden_cells(cells, small=small, relations=relations)


def _part_of(key, part: int, whole: int, priority: int = TOTAL) -> list[Cell]:
    """A count, the whole it is part of, and the rest the reader gets by subtracting."""
    return [Cell((key, "part"), part, {(key, "p"): 1}),
            Cell((key, "whole"), whole, {(key, "p"): 1, (key, "r"): 1}, priority),
            Cell((key, "rest"), whole - part, {(key, "r"): 1}, printed=False)]


def _with_derived(hidden: set, derived: dict[Hashable, tuple]) -> set:
    """Add the shares and medians computed from a hidden count."""
    return hidden | {key for key, sources in derived.items()
                     if any(source in hidden for source in sources)}


def process_hidden(f: dict, *, small: int) -> set[Hashable]:
    """Keys: (name, "part"|"whole") for the meetings, visits and each returns row
    (("returns", months), ...); ("keys", "whole") and ("red", "whole"), ("red_now", "whole"),
    and the shares and medians under their own names."""
    cells = [*_part_of("meetings", f["meetings_kept"], f["meetings_due"]),
             *_part_of("visits", f["visits_done"], f["visits_due"]),
             Cell(("keys", "whole"), f["keys_n"], {("keys", "n"): 1}),
             Cell(("red", "whole"), f["red_board_n"], {("red", "n"): 1}),
             Cell(("red_now", "whole"), f["red_board_on_now"], {("red_now", "n"): 1})]
    derived = {"meetings_share": (("meetings", "part"), ("meetings", "whole")),
               "visits_share": (("visits", "part"), ("visits", "whole")),
               "keys_median": (("keys", "whole"),), "keys_p90": (("keys", "whole"),),
               "red_board_median_days": (("red", "whole"),)}
    for r in f["returns"]:
        key = ("returns", r["months"])
        cells += _part_of(key, r["returned"], r["tenancies"])
        derived[(key, "share")] = ((key, "part"), (key, "whole"))
    return _with_derived(hidden_cells(cells, small=small), derived)


def audit_hidden(f: dict, *, small: int) -> set[Hashable]:
    """The follow-up by background and by age (two margins of one table of residents: both
    add up to all residents), the coverage among residents with services, and per team those
    followed, without a primary contact and on the red board, with the teams' sums for the
    council. Keys: ("bakgrunn"|"alder", group, "followed"|"all"|"share"),
    ("dekning", "all"|"with"|"without"|"share"), ("team", pk, name), ("teams", name)."""
    backgrounds, bands = list(f["by_background"]), list(f["by_band"])
    joint = [(g, b, followed) for g in backgrounds for b in bands for followed in (0, 1)]
    cells = []
    for kind, groups, position in (("bakgrunn", backgrounds, 0), ("alder", bands, 1)):
        figures = f["by_background" if kind == "bakgrunn" else "by_band"]
        for group in groups:
            inner = [j for j in joint if j[position] == group]
            g = figures[group]
            cells += [
                Cell((kind, group, "followed"), g["followed"],
                     {("j", *j): 1 for j in inner if j[2]}),
                Cell((kind, group, "all"), g["all"], {("j", *j): 1 for j in inner}, TOTAL),
                Cell((kind, group, "not"), g["all"] - g["followed"],
                     {("j", *j): 1 for j in inner if not j[2]}, printed=False)]
    c = f["coverage"]
    cells += [Cell(("dekning", "all"), c["all"], {"c_with": 1, "c_without": 1}, TOTAL),
              Cell(("dekning", "with"), c["with_agreement"], {"c_with": 1}),
              Cell(("dekning", "without"), c["without"], {"c_without": 1})]
    names = ("followed", "without_contact", "red_board")
    sums = {name: {} for name in names}
    sums["rest"] = {}
    for t in f["teams"]:
        pk = t["team"].pk
        inner = {name: ("t", pk, name) for name in ("without_contact", "red_board", "rest")}
        cells += [Cell(("team", pk, "followed"), t["followed"],
                       {key: 1 for key in inner.values()}, TOTAL),
                  Cell(("team", pk, "without_contact"), t["without_contact"],
                       {inner["without_contact"]: 1}),
                  Cell(("team", pk, "red_board"), t["red_board"], {inner["red_board"]: 1}),
                  Cell(("team", pk, "rest"), t["followed"] - t["without_contact"]
                       - t["red_board"], {inner["rest"]: 1}, printed=False)]
        for name in ("without_contact", "red_board", "rest"):
            sums[name][inner[name]] = 1
        sums["followed"].update({key: 1 for key in inner.values()})
    teams = f["teams"]
    for name in names:
        cells.append(Cell(("teams", name), sum(t[name] for t in teams), sums[name], STOCK))
    hidden = hidden_cells(cells, small=small)
    derived = {(kind, group, "share"): ((kind, group, "followed"), (kind, group, "all"))
               for kind, groups in (("bakgrunn", backgrounds), ("alder", bands))
               for group in groups}
    derived[("dekning", "share")] = (("dekning", "with"), ("dekning", "all"))
    return _with_derived(hidden, derived)


def stability_hidden(report: dict, *, small: int) -> set[Hashable]:
    """The spells and the losses of homes, for tenancies and for persons, with, at each row's
    month, the number still followed and the share still housed. Keys: (key, "n"),
    (key, "events"), (key, "row", months) and (key, "point", months).

    The share still housed at a month, beside the numbers followed, tells the losses before
    it (exactly, where nobody left the count for another reason), so each share stands in the
    table for the losses up to its month, and the losses between two months, which a reader
    gets by comparing two shares, are protected like the printed counts."""
    hidden = set()
    for key in ("tenancies", "persons"):
        r = report[key]
        months = [row["months"] for row in r["rows"]]
        bounds = [m * DAYS_PER_MONTH for m in months]
        # Per interval between the rows' months (and after the last): losses, others leaving.
        lost, left = [0] * (len(bounds) + 1), [0] * (len(bounds) + 1)
        points = r["points"]
        for i, p in enumerate(points):
            j = sum(1 for b in bounds if p.time >= b)
            removed = p.at_risk - (points[i + 1].at_risk if i + 1 < len(points) else 0)
            lost[j] += p.events
            left[j] += removed - p.events
        intervals = range(len(bounds) + 1)
        cells = [
            Cell("n", r["n"], {(w, j): 1 for j in intervals for w in "el"}, TOTAL),
            Cell("events", r["events"], {("e", j): 1 for j in intervals}),
            Cell("rest", r["n"] - r["events"], {("l", j): 1 for j in intervals},
                 printed=False),
            *[Cell(("lost", j), lost[j], {("e", j): 1}, printed=False) for j in intervals]]
        for k, row in enumerate(r["rows"], start=1):
            cells.append(Cell(("row", row["months"]), row["at_risk"],
                              {(w, j): 1 for j in intervals if j >= k for w in "el"}, TOTAL))
            if row["point"] is not None:
                cells.append(Cell(("point", row["months"]), sum(lost[:k]),
                                  {("e", j): 1 for j in range(k)}))
        hidden |= {(key, *k) if isinstance(k, tuple) else (key, k)
                   for k in hidden_cells(cells, small=small)}
    return hidden


# The KOSTRA counts, and the parts of another count among them: a reader subtracts.
KOSTRA_COUNTS = ("received", "granted", "refused", "moved_in", "waiting", "temporary",
                 "temporary_long")


def kostra_hidden(f: dict, *, small: int) -> set[Hashable]:
    cells = [Cell(key, f[key], {key: 1}) for key in KOSTRA_COUNTS if key != "temporary_long"
             and key != "temporary"]
    cells += _part_of("temporary_stay", f["temporary_long"], f["temporary"])
    found = hidden_cells(cells, small=small)
    names = {("temporary_stay", "part"): "temporary_long",
             ("temporary_stay", "whole"): "temporary"}
    return {names.get(k, k) for k in found}

