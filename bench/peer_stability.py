"""Benchmark: the housing-stability report against the analyst's peer, in the same run.

On a scale data set already loaded in PostgreSQL (`manage.py scale_generate city|national`),
times Husly's Kaplan–Meier report (`husly.outcomes.stability.stability_report`, the function
the page calls, and the page itself through the test client) against what a municipality's
analyst would otherwise do: export the tenancy table and the tenancy–resident link table with
`pandas.read_sql` over a plain psycopg connection, build the same spells with pandas, and fit
`lifelines.KaplanMeierFitter` for tenancies and for persons. Both routes read the same rows in
the same run; the script checks that they agree (survival and the exponential-Greenwood 95 %
interval at each report month within 1e-6, counts exactly) and exits 1 when they do not.

    .venv/bin/python bench/peer_stability.py --scale national [--municipality 3001]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/husly_bench_city \\
        .venv/bin/python bench/peer_stability.py [--municipality 3001] [--repeat 5]
        [--user 3001-analytiker-1] [--all] [--json out.json]

`--all` also times both routes for every municipality in the database (Husly: one report per
municipality; the peer: one export of the whole country, spells and one fit per
municipality). Not part of the test suite.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HUSLY_DEMO", "1")
if "--scale" in sys.argv:  # the scale's own database, as bench/run.py makes it
    from bench.server import database_url

    os.environ["DATABASE_URL"] = database_url(sys.argv[sys.argv.index("--scale") + 1])
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit("Set DATABASE_URL to the PostgreSQL database holding a scale data set, e.g. "
             "postgres://postgres@127.0.0.1:5432/husly_bench_city")

import django  # noqa: E402

django.setup()

import lifelines  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402

from husly.accounts.models import User  # noqa: E402
from husly.common.models import Municipality  # noqa: E402
from husly.housing.models import TenancyEndReason  # noqa: E402
from husly.outcomes.stability import DAYS_PER_MONTH, REPORT_MONTHS, stability_report  # noqa: E402

TOLERANCE = 1e-6
# The analyst's own list of the ends that count as losing the home; checked against Husly's.
UNPLANNED = ("eviction", "abandonment", "institution", "prison")
# pandas warns that a psycopg connection is not SQLAlchemy; it works (plain DBAPI cursor).
warnings.filterwarnings("ignore", message="pandas only supports SQLAlchemy", category=UserWarning)


# --- The peer: what an analyst writes with pandas + lifelines -----------------------------

def peer_export(conn, municipality_id: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tenancy table and the tenancy–resident links, for one municipality or all."""
    where = "where t.municipality_id = %(m)s" if municipality_id is not None else ""
    params = {"m": municipality_id}
    tenancies = pd.read_sql(
        "select t.id, t.municipality_id, t.start_date, t.end_date, t.end_reason "
        f"from housing_tenancy t {where}", conn, params=params,
        parse_dates=["start_date", "end_date"])
    links = pd.read_sql(
        "select tr.tenancy_id, tr.resident_id from housing_tenancy_residents tr "
        f"join housing_tenancy t on t.id = tr.tenancy_id {where}", conn, params=params)
    return tenancies, links


def _durations_events(frame: pd.DataFrame, start: pd.Series, today: pd.Timestamp):
    """Days from start to the end (or to today when not ended by today); the event is an
    end by today for an unplanned reason, everything else is censored."""
    ended = frame["end_date"].notna() & (frame["end_date"] <= today)
    stop = frame["end_date"].where(ended, today)
    return pd.DataFrame({
        "municipality_id": frame["municipality_id"].to_numpy(),
        "duration": (stop - start).dt.days.to_numpy(),
        "event": (ended & frame["end_reason"].isin(UNPLANNED)).to_numpy()})


def peer_spells(tenancies: pd.DataFrame, links: pd.DataFrame, today: datetime.date):
    """Tenancy spells, and person spells: a person's tenancies in start order joined while the
    next starts no later than the day after the previous ended; the spell takes the start of
    its first tenancy and the end (and reason) of its last."""
    today = pd.Timestamp(today)
    started = tenancies[tenancies["start_date"] <= today]
    tenancy = _durations_events(started, started["start_date"], today)

    p = (links.merge(started, left_on="tenancy_id", right_on="id")
         .sort_values(["municipality_id", "resident_id", "start_date", "tenancy_id"],
                      kind="mergesort", ignore_index=True))
    same_person = (p["resident_id"].eq(p["resident_id"].shift())
                   & p["municipality_id"].eq(p["municipality_id"].shift()))
    previous_end = p["end_date"].shift()
    new_spell = ~same_person | previous_end.isna() | (
        p["start_date"] > previous_end + pd.Timedelta(days=1))
    spell_start = p["start_date"].where(new_spell).ffill()
    last = new_spell.shift(-1, fill_value=True).astype(bool)
    persons = _durations_events(p[last], spell_start[last], today)
    return tenancy, persons


def peer_km(spells: pd.DataFrame) -> dict:
    """lifelines' Kaplan–Meier fit, read at the report months (the step at or before)."""
    durations = spells["duration"].to_numpy()
    events = spells["event"].to_numpy()
    rows = []
    kmf = KaplanMeierFitter().fit(durations, event_observed=events) if len(spells) else None
    for months in REPORT_MONTHS:
        t = months * DAYS_PER_MONTH
        at_risk = int((durations >= t).sum())
        row = {"months": months, "at_risk": at_risk, "survival": None, "lower": None,
               "upper": None}
        if at_risk:  # past the longest spell the curve says nothing, as in Husly
            lower, upper = kmf.confidence_interval_survival_function_.asof(t).to_numpy()
            row.update(survival=float(kmf.survival_function_.iloc[:, 0].asof(t)),
                       lower=float(lower), upper=float(upper))
        rows.append(row)
    return {"n": len(spells), "events": int(events.sum()), "rows": rows}


def peer_compute(tenancies, links, today) -> dict:
    """{municipality_id: {"tenancies": ..., "persons": ...}}"""
    tenancy, persons = peer_spells(tenancies, links, today)
    by_tenancy = dict(iter(tenancy.groupby("municipality_id")))
    by_person = dict(iter(persons.groupby("municipality_id")))
    empty = tenancy.iloc[:0]
    return {int(m): {"tenancies": peer_km(by_tenancy.get(m, empty)),
                     "persons": peer_km(by_person.get(m, empty))}
            for m in tenancies["municipality_id"].unique()}


# --- Husly ----------------------------------------------------------------------------------

def husly_figures(report: dict) -> dict:
    out = {}
    for key in ("tenancies", "persons"):
        rows = []
        for row in report[key]["rows"]:
            p = row["point"]
            rows.append({"months": row["months"], "at_risk": row["at_risk"],
                         "survival": p.survival if p else None,
                         "lower": p.lower if p else None, "upper": p.upper if p else None})
        out[key] = {"n": report[key]["n"], "events": report[key]["events"], "rows": rows}
    return out


def compare(husly: dict, peer: dict, label: str) -> tuple[list[str], float]:
    """Differences beyond the tolerance (counts must be equal), and the largest difference."""
    problems, largest = [], 0.0
    for key in ("tenancies", "persons"):
        h, p = husly[key], peer[key]
        for field in ("n", "events"):
            if h[field] != p[field]:
                problems.append(f"{label} {key} {field}: husly {h[field]}, peer {p[field]}")
        for hr, pr in zip(h["rows"], p["rows"], strict=True):
            where = f"{label} {key} {hr['months']} months"
            if hr["at_risk"] != pr["at_risk"]:
                problems.append(f"{where} at risk: husly {hr['at_risk']}, peer {pr['at_risk']}")
            for field in ("survival", "lower", "upper"):
                a, b = hr[field], pr[field]
                if (a is None) != (b is None):
                    problems.append(f"{where} {field}: husly {a}, peer {b}")
                elif a is not None:
                    largest = max(largest, abs(a - b))
                    if not abs(a - b) <= TOLERANCE:
                        problems.append(f"{where} {field}: husly {a!r}, peer {b!r}")
    return problems, largest


# --- Timing ---------------------------------------------------------------------------------

def timed(fn, repeat: int):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def timed_peer(conn, municipality_id, today, repeat: int):
    def once():
        start = time.perf_counter()
        tenancies, links = peer_export(conn, municipality_id)
        exported = time.perf_counter()
        result = peer_compute(tenancies, links, today)
        return result, exported - start, time.perf_counter() - exported

    once()  # warm-up
    export, compute, total = [], [], []
    for _ in range(repeat):
        result, e, c = once()
        export.append(e)
        compute.append(c)
        total.append(e + c)
    return result, export, compute, total


def page_client(username: str) -> Client:
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def summary(times: list[float]) -> dict:
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
            "runs_ms": [t * 1000 for t in times]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["demo", "city", "national"],
                        help="use bench/run.py's database of this scale (else DATABASE_URL)")
    parser.add_argument("--municipality", default="3001", help="municipality number")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default=None,
                        help="staff user for the page (default <number>-analytiker-1)")
    parser.add_argument("--no-page", action="store_true", help="skip timing the page")
    parser.add_argument("--all", action="store_true",
                        help="also time both routes for every municipality")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    if set(UNPLANNED) != {str(r) for r in TenancyEndReason.unplanned()}:
        sys.exit(f"the peer's unplanned reasons {UNPLANNED} are not Husly's")
    municipality = Municipality.objects.get(number=args.municipality)
    today = timezone.localdate()
    conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    # Husly: the function the page calls, then the page.
    report, t_husly = timed(lambda: stability_report(municipality=municipality, filters={}),
                            args.repeat)
    husly = husly_figures(report)
    routes = {"husly stability_report()": summary(t_husly)}
    if not args.no_page:
        client = page_client(args.user or f"{args.municipality}-analytiker-1")
        url = reverse("outcomes:stability")
        response, t_page = timed(lambda: client.get(url), args.repeat)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        routes[f"husly page GET {url}"] = summary(t_page)
        client.logout()

    # The peer.
    peer, t_export, t_compute, t_total = timed_peer(conn, municipality.pk, today, args.repeat)
    routes["peer export (pandas.read_sql)"] = summary(t_export)
    routes["peer compute (pandas + lifelines)"] = summary(t_compute)
    routes["peer total"] = summary(t_total)
    problems, largest = compare(husly, peer[municipality.pk], args.municipality)

    national = None
    if args.all:
        everyone = list(Municipality.objects.order_by("number"))

        def husly_all():
            return {m.pk: stability_report(municipality=m, filters={}) for m in everyone}

        reports, t_husly_all = timed(husly_all, args.repeat)
        peer_all, e_all, c_all, total_all = timed_peer(conn, None, today, args.repeat)
        largest_all = 0.0
        for m in everyone:
            p = peer_all.get(m.pk) or {key: peer_km(pd.DataFrame(
                {"duration": np.array([], dtype=int), "event": np.array([], dtype=bool)}))
                for key in ("tenancies", "persons")}
            more, diff = compare(husly_figures(reports[m.pk]), p, m.number)
            problems += more
            largest_all = max(largest_all, diff)
        national = {"municipalities": len(everyone), "largest_difference": largest_all,
                    "routes": {"husly stability_report() x each": summary(t_husly_all),
                               "peer export (pandas.read_sql)": summary(e_all),
                               "peer compute (pandas + lifelines)": summary(c_all),
                               "peer total": summary(total_all)}}
    conn.close()

    with connection.cursor() as cursor:
        cursor.execute("show server_version")
        server = cursor.fetchone()[0]
    print(f"Housing stability, municipality {municipality.number} {municipality.name}: "
          f"{husly['tenancies']['n']} tenancies ({husly['tenancies']['events']} unplanned "
          f"ends), {husly['persons']['n']} person spells ({husly['persons']['events']}); "
          f"today {today}; {args.repeat} runs after one warm-up")
    print(f"PostgreSQL {server}, Python {platform.python_version()}, pandas {pd.__version__}, "
          f"lifelines {lifelines.__version__}, psycopg {psycopg.__version__}, "
          f"{os.cpu_count()} CPUs\n")
    print_table(routes)
    print("\n" + figures_table(husly, peer[municipality.pk]))
    print(f"\nAgreement: largest difference in survival / interval {largest:.2e} "
          f"(tolerance {TOLERANCE:g})")
    if national:
        print(f"\nAll {national['municipalities']} municipalities:")
        print_table(national["routes"])
        print(f"Agreement: largest difference {national['largest_difference']:.2e}")

    if args.json:
        args.json.write_text(json.dumps({
            "municipality": municipality.number, "today": today.isoformat(),
            "repeat": args.repeat, "postgresql": server,
            "python": platform.python_version(), "pandas": pd.__version__,
            "lifelines": lifelines.__version__, "psycopg": psycopg.__version__,
            "cpus": os.cpu_count(), "routes": routes, "husly": husly,
            "peer": peer[municipality.pk], "largest_difference": largest,
            "national": national, "problems": problems}, indent=2))
    if problems:
        print("\nFAIL: Husly and the peer disagree:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


def print_table(routes: dict) -> None:
    base = next(iter(routes.values()))["median_ms"]
    width = max(len(name) for name in routes)
    print(f"{'route':<{width}}  {'median ms':>10}  {'min ms':>9}  {'x husly':>7}")
    for name, r in routes.items():
        print(f"{name:<{width}}  {r['median_ms']:>10.1f}  {r['min_ms']:>9.1f}  "
              f"{r['median_ms'] / base:>7.2f}")


def figures_table(husly: dict, peer: dict) -> str:
    lines = [f"{'':<10} {'months':>6} {'at risk':>8}  {'husly S (95 % CI)':<28}  "
             f"{'lifelines S (95 % CI)':<28}"]

    def cell(r):
        if r["survival"] is None:
            return "not yet known"
        return f"{r['survival']:.6f} ({r['lower']:.4f}-{r['upper']:.4f})"

    for key in ("tenancies", "persons"):
        for h, p in zip(husly[key]["rows"], peer[key]["rows"], strict=True):
            lines.append(f"{key:<10} {h['months']:>6} {h['at_risk']:>8}  {cell(h):<28}  "
                         f"{cell(p):<28}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
