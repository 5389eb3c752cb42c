"""Load: simulated staff working through the key pages with a think time, for a while.

    .venv/bin/python bench/load.py --scale city                   # 200 users, 5 s, 10 min
    .venv/bin/python bench/load.py --scale city --users 20 --minutes 1

Serves Husly with gunicorn (4 workers) on loopback against the scale database, logs every
simulated user in as one of the municipality's real staff (a session each, so the session
table grows as it would), and drives it with locust headless from a separate process. Records
the error count, the p50/p95/p99 over all requests, per page, and the peak memory of each
worker, in bench/results/load-<scale>-<date>.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server  # noqa: E402


def staff_sessions(count: int) -> list[dict]:
    """`count` logins spread over the roles that use the key pages every day."""
    from husly.accounts.models import User
    from husly.people.models import Resident

    number = server.LARGEST
    mix = [("bolig", 0.3), ("miljo", 0.5), ("leder", 0.1), ("analytiker", 0.1)]
    users = []
    for label, share in mix:
        found = list(User.objects.filter(username__regex=rf"^{number}-{label}[0-9]*-[0-9]+$")
                     .order_by("id"))
        users += [(label, found[i % len(found)]) for i in range(max(1, round(count * share)))]
    sessions = []
    for label, user in users[:count]:
        team = user.team_memberships.values_list("team_id", flat=True).first()
        residents = list(Resident.objects.filter(team_id=team).values_list("pk", flat=True)
                         [:20]) if team else []
        _client, cookie = server.logged_in(user.username)
        sessions.append({"role": label, "cookie": cookie, "team": team,
                         "residents": residents})
    return sessions


def run(scale: str, *, users: int, minutes: float, think: float, workers: int) -> dict:
    data = server.ensure_data(scale)
    server.django_setup(scale)
    sessions = staff_sessions(users)
    with tempfile.TemporaryDirectory() as tmp, \
            server.gunicorn(scale, workers=workers) as (base, master):
        staff_file = Path(tmp) / "staff.json"
        staff_file.write_text(json.dumps(sessions))
        env = {**os.environ, "BENCH_STAFF": str(staff_file), "BENCH_THINK": str(think)}
        subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f",
             str(server.ROOT / "bench" / "locustfile.py"), "--headless", "--host", base,
             "--users", str(users), "--spawn-rate", str(max(1, users // 30)),
             "--run-time", f"{int(minutes * 60)}s", "--stop-timeout", "30",
             "--csv", f"{tmp}/load", "--only-summary", "--loglevel", "WARNING"],
            env=env, check=False)
        memory = [round(server.peak_rss_mib(pid), 1) for pid in server.worker_pids(master)]
        with open(f"{tmp}/load_stats.csv") as f:
            stats = list(csv.DictReader(f))
    pages = []
    total = {}
    for row in stats:
        entry = {"page": row["Name"], "requests": int(row["Request Count"]),
                 "failures": int(row["Failure Count"]), "p50_ms": float(row["50%"]),
                 "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
                 "rps": round(float(row["Requests/s"]), 1)}
        if row["Name"] == "Aggregated":
            total = entry
        else:
            pages.append(entry)
    return {"scale": scale, "date": datetime.date.today().isoformat(),
            "users": users, "think_seconds": think, "minutes": minutes,
            "gunicorn_workers": workers, "peak_worker_rss_mib": memory,
            "total": total, "pages": pages, "data": data["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "city"),
                        choices=["demo", "city", "national"])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    result = run(args.scale, users=args.users, minutes=args.minutes, think=args.think,
                 workers=args.workers)
    path = server.RESULTS / f"load-{args.scale}-{result['date']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    t = result["total"]
    print(f"{args.users} staff, {args.think} s think time, {args.minutes} min at {args.scale}"
          f" scale: {t['requests']:,} requests, {t['failures']} errors, p50 {t['p50_ms']} ms,"
          f" p95 {t['p95_ms']} ms, p99 {t['p99_ms']} ms; peak worker memory "
          f"{max(result['peak_worker_rss_mib'])} MiB ({result['peak_worker_rss_mib']})")
    for p in sorted(result["pages"], key=lambda p: -p["p95_ms"]):
        print(f"  {p['page']}: {p['requests']} requests, p95 {p['p95_ms']} ms, "
              f"{p['failures']} errors")
    print(f"written to {path.relative_to(server.ROOT)}")


if __name__ == "__main__":
    main()
