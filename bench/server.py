"""What the benchmark scripts share: the scale database, the gunicorn server, logged-in users.

The database is `husly_bench_<scale>` on the PostgreSQL server of BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/postgres); it is made and filled with
`manage.py scale_generate <scale>` the first time and reused after that, with the time the
load took and the database's size kept in bench/results/data-<scale>.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
LARGEST = "3001"  # the number scale_generate gives the largest municipality


def server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(scale: str) -> str:
    return re.sub(r"/[^/]*$", f"/husly_bench_{scale}", server_url())


def _loaded(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM common_municipality WHERE number = %s",
                               [LARGEST]).fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def _migrated(url: str) -> bool:
    """Every migration applied: a database made before a new table holds none of its rows,
    so it is made again rather than measured half-filled."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings",
           "HUSLY_DEMO": "1"}
    return subprocess.run([PYTHON, "manage.py", "migrate", "--check", "--verbosity", "0"],
                          cwd=ROOT, env=env, capture_output=True).returncode == 0


def ensure_data(scale: str, *, regenerate: bool = False) -> dict:
    """Make the scale database once; return what the load took (time, size, rows)."""
    url = database_url(scale)
    info_file = RESULTS / f"data-{scale}.json"
    if not regenerate and _loaded(url) and info_file.exists() and _migrated(url):
        return json.loads(info_file.read_text())
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings",
           "HUSLY_DEMO": "1"}
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env,
                   check=True)
    migrated = time.perf_counter() - started
    out = subprocess.run([PYTHON, "manage.py", "scale_generate", scale], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    print(out, end="")
    total = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        counts = {}
        for table in ("common_municipality", "housing_dwelling", "people_resident",
                      "housing_tenancy", "followup_visit", "access_accesslogentry",
                      "allocation_application", "board_redboardentry", "access_consent",
                      "outcomes_situationspell"):
            counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    info = {"scale": scale, "migrate_seconds": round(migrated, 1),
            "generate_seconds": round(total - migrated, 1), "database_bytes": size,
            "rows": counts, "generated_on": time.strftime("%Y-%m-%d")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    info_file.write_text(json.dumps(info, indent=2) + "\n")
    return info


def django_setup(scale: str) -> None:
    os.environ["DATABASE_URL"] = database_url(scale)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("HUSLY_DEMO", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def logged_in(username: str):
    """A test client logged in as the user (the same as logging in, minus the form) and the
    cookie of its session, for a driver in another process to send."""
    from django.conf import settings
    from django.test import Client

    from husly.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return client, f"{name}={client.cookies[name].value}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(scale: str, *, workers: int = 4, threads: int = 1):
    """Serve Husly on loopback with gunicorn; yields (base url, master pid)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url(scale),
           "DJANGO_SETTINGS_MODULE": "bench.settings", "HUSLY_DEMO": "1"}
    log = open(RESULTS / f"gunicorn-{scale}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "bench.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "120",
         "--backlog", "256", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/konto/logg-inn/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start; see {log.name}")
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def peak_rss_mib(pid: int) -> float:
    """The most memory the process has held (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
