"""The page benchmark (`make bench`, BENCH_SCALE=demo|city|national, default city).

For each key page, at the chosen scale on PostgreSQL: the queries the page makes, then p50 and
p95 at concurrency 1 and 16 and the throughput, measured with wrk against gunicorn on loopback
(4 workers on this 2-core machine), each as a ratio to the floor page measured in the same run.
Every run is bounded in requests and in time. Results go to bench/results/<scale>-<date>.json
and a table is printed; `--compare` adds the growth table across the scales that have results.

    .venv/bin/python bench/run.py --scale city
    .venv/bin/python bench/run.py --compare
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server  # noqa: E402

CONCURRENCY = (1, 16)


def targets() -> list[dict]:
    """The key pages, each with the user who opens it. Picked from the data, not hard-coded."""
    from django.db.models import Count

    from husly.accounts.models import Team
    from husly.people.models import Resident

    number = server.LARGEST
    team = (Team.objects.filter(municipality__number=number)
            .annotate(n=Count("residents")).order_by("-n").first())
    resident = (Resident.objects.filter(team=team, primary_contact__isnull=False,
                                        tenancies__end_date__isnull=True)
                .order_by("id").first())
    family = (Resident.objects.filter(municipality__number=number)
              .values("family_name").annotate(n=Count("id")).order_by("-n", "family_name")
              .first()["family_name"])
    officer, worker, leader = f"{number}-bolig-1", f"{number}-miljo-1", f"{number}-leder-1"
    analyst = f"{number}-analytiker-1"
    # The last whole year, as KOSTRA reports it; the parameter's "å" percent-encoded, since
    # a request line is ASCII.
    year = urllib.parse.urlencode({"år": datetime.date.today().year - 1})
    return [
        {"page": "floor", "user": officer, "path": "/benk/gulv/"},
        # The search is posted and kept in the session, so no name is ever in a URL.
        {"page": "resident_search", "user": officer, "path": "/beboere/",
         "post": {"q": family}},
        {"page": "resident_page", "user": worker, "path": f"/beboere/{resident.pk}/"},
        {"page": "dwelling_list", "user": officer,
         "path": "/boliger/?kind=transitional&status=let&side=3"},
        {"page": "allocation_dashboard", "user": officer, "path": "/tildeling/"},
        {"page": "team_board", "user": leader, "path": f"/tavle/{team.pk}/",
         "note": f"{team.n} residents"},
        {"page": "my_week", "user": worker, "path": "/oppfolging/min-uke/"},
        {"page": "by_name_list", "user": officer, "path": "/resultater/uten-bolig/"},
        {"page": "flow_report", "user": analyst, "path": "/resultater/inn-og-utstrom/"},
        {"page": "stability_report", "user": analyst, "path": "/resultater/bostabilitet/"},
        {"page": "process_report", "user": analyst, "path": "/resultater/frister-og-tempo/"},
        {"page": "audit_report", "user": analyst, "path": "/resultater/internkontroll/"},
        {"page": "kostra_report", "user": analyst, "path": f"/resultater/kostra/?{year}"},
        {"page": "figure_people", "user": leader,
         "path": f"/resultater/personer/kostra-venteliste/?{year}"},
        {"page": "council_report_pdf", "user": analyst, "path": f"/resultater/rapport/?{year}"},
    ]


def logged_in(page: dict):
    """A client logged in as the page's user, with the page's search posted if it has one.
    Each page gets its own session, whose cookie the load driver then sends."""
    client, page["cookie"] = server.logged_in(page["user"])
    if page.get("post"):
        client.post(page["path"], page["post"])  # kept in the same session
    return client


def query_counts(pages: list[dict]) -> None:
    """The number of queries each page makes, and that it answers 200 (in-process)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        client = logged_in(page)
        client.get(page["path"])  # warm caches that a long-running worker has warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        if response.status_code != 200:
            raise SystemExit(f"{page['page']}: {page['path']} answered {response.status_code}")
        page["queries"] = len(queries)
        page["bytes"] = len(response.content)


def wrk(base: str, page: dict, cookie: str, *, concurrency: int, seconds: int,
        max_requests: int) -> dict:
    threads = min(concurrency, 2)
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_MAX_REQUESTS": str(max_requests),
           "BENCH_THREADS": str(threads)}
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s",
         "-s", str(server.ROOT / "bench" / "wrk.lua"), base + page["path"]],
        env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    seconds_run = result["duration_us"] / 1e6
    if result["requests"] >= max_requests:
        raise SystemExit(f"{page['page']}: the request bound was reached; raise --max-requests "
                         "so that throughput is measured over the whole duration")
    return {"requests": result["requests"], "p50_ms": result["p50_us"] / 1000,
            "p95_ms": result["p95_us"] / 1000, "p99_ms": result["p99_us"] / 1000,
            "throughput_rps": round(result["requests"] / seconds_run, 1),
            "errors": result["non_2xx"] + result["socket_errors"]}


def check_logged_in(base: str, page: dict, cookie: str) -> None:
    import urllib.request

    request = urllib.request.Request(base + page["path"], headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200 or response.url != base + page["path"]:
            raise SystemExit(f"{page['page']}: not served logged in ({response.url})")


def run(scale: str, *, seconds: int, max_requests: int, workers: int) -> dict:
    data = server.ensure_data(scale)
    server.django_setup(scale)
    pages = targets()
    query_counts(pages)
    with server.gunicorn(scale, workers=workers) as (base, master):
        for page in pages:
            cookie = page.pop("cookie")
            check_logged_in(base, page, cookie)
            wrk(base, page, cookie, concurrency=2, seconds=2, max_requests=10**6)  # warm-up
            for concurrency in CONCURRENCY:
                page[f"c{concurrency}"] = wrk(base, page, cookie, concurrency=concurrency,
                                              seconds=seconds, max_requests=max_requests)
            print(f"  {page['page']}: p95 {page['c1']['p95_ms']:.1f} ms", flush=True)
        memory = [round(server.peak_rss_mib(pid), 1) for pid in server.worker_pids(master)]
    floor = pages[0]
    for page in pages:
        for c in CONCURRENCY:
            m = page[f"c{c}"]
            m["p95_ratio"] = round(m["p95_ms"] / floor[f"c{c}"]["p95_ms"], 2)
            m["p50_ratio"] = round(m["p50_ms"] / floor[f"c{c}"]["p50_ms"], 2)
    return {"scale": scale, "date": datetime.date.today().isoformat(), "data": data,
            "machine": machine(), "server": {"gunicorn_workers": workers,
                                             "peak_worker_rss_mib": memory},
            "limits": {"seconds_per_run": seconds, "max_requests_per_run": max_requests},
            "pages": pages}


def machine() -> dict:
    import platform

    with psycopg_connect() as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "postgresql": pg,
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                / 2**30)}


def psycopg_connect():
    import psycopg

    return psycopg.connect(server.server_url())


def table(result: dict) -> str:
    lines = [f"Husly at {result['scale']} scale, {result['date']} "
             f"({result['data']['rows']['people_resident']:,} persons, "
             f"{result['data']['rows']['followup_visit']:,} visits)", "",
             "| page | queries | c=1 p50 | c=1 p95 | ×floor | c=16 p95 | ×floor | req/s c=16 |",
             "|---|---|---|---|---|---|---|---|"]
    for p in result["pages"]:
        c1, c16 = p["c1"], p["c16"]
        lines.append(f"| {p['page']} | {p['queries']} | {c1['p50_ms']:.1f} ms | "
                     f"{c1['p95_ms']:.1f} ms | {c1['p95_ratio']:.1f} | {c16['p95_ms']:.1f} ms | "
                     f"{c16['p95_ratio']:.1f} | {c16['throughput_rps']:.0f} |")
    errors = sum(p[f"c{c}"]["errors"] for p in result["pages"] for c in CONCURRENCY)
    lines += ["", f"errors: {errors}; peak worker memory: "
              f"{max(result['server']['peak_worker_rss_mib'])} MiB"]
    return "\n".join(lines)


def compare() -> str:
    """Growth: each page's p95 (c=1) and queries at every scale with results, and the ratio of
    the largest scale to demo."""
    latest = {}
    for scale in ("demo", "city", "national"):
        for path in sorted(server.RESULTS.glob(f"{scale}-20*.json")):  # the newest date last
            latest[scale] = json.loads(path.read_text())
    scales = [s for s in ("demo", "city", "national") if s in latest]
    if "demo" not in latest or len(scales) < 2:
        return "growth: run demo and at least one larger scale first"
    top = scales[-1]
    by_page = {s: {p["page"]: p for p in latest[s]["pages"]} for s in scales}
    head = " | ".join(f"{s} p95 (q)" for s in scales)
    lines = [f"| page | {head} | {top}/demo p95 | {top}/demo ×floor |",
             "|---|" + "---|" * (len(scales) + 2)]
    for name in by_page["demo"]:
        cells = " | ".join(
            f"{by_page[s][name]['c1']['p95_ms']:.1f} ms ({by_page[s][name]['queries']})"
            for s in scales)
        grow = by_page[top][name]["c1"]["p95_ms"] / by_page["demo"][name]["c1"]["p95_ms"]
        grow_ratio = (by_page[top][name]["c1"]["p95_ratio"]
                      / by_page["demo"][name]["c1"]["p95_ratio"])
        lines.append(f"| {name} | {cells} | {grow:.2f} | {grow_ratio:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "city"),
                        choices=["demo", "city", "national"])
    parser.add_argument("--seconds", type=int, default=8, help="Longest time of one run.")
    # wrk reports the whole --duration even when the request bound stops it early, so the
    # bound is set above what this machine serves in the duration: throughput stays right.
    parser.add_argument("--max-requests", type=int, default=3000,
                        help="Most requests of one run.")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--compare", action="store_true", help="Only print the growth table.")
    args = parser.parse_args()
    if args.compare:
        print(compare())
        return
    result = run(args.scale, seconds=args.seconds, max_requests=args.max_requests,
                 workers=args.workers)
    server.RESULTS.mkdir(parents=True, exist_ok=True)
    path = server.RESULTS / f"{args.scale}-{result['date']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwritten to {path.relative_to(server.ROOT)}")
    print(compare())


if __name__ == "__main__":
    main()
