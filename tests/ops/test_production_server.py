"""The production stance, for real: gunicorn with config/gunicorn.conf.py and the production
settings (HTTPS behind a proxy, JSON logs) answers the health check over plain HTTP on the
loopback, redirects everything else to HTTPS, and logs each request as one JSON line without
the path's ids or the query string."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_hardening import _production_env

GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "husly.example.kommune.no"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    request = urllib.request.Request(url, headers={"Host": HOST})  # noqa: S310 - loopback

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def production_server(tmp_path):
    port = _free_port()
    env = _production_env(tmp_path, HUSLY_BIND=f"127.0.0.1:{port}", HUSLY_WORKERS="1",
                          HUSLY_LOG_FORMAT="json",
                          DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "--config", "config/gunicorn.conf.py"], cwd=settings.BASE_DIR,
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(base + "/helse/")
                break
            except OSError:
                time.sleep(0.1)
        yield base, tmp_path / "server.log"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_gunicorn_serves_health_over_http_and_sends_the_rest_to_https(production_server):
    base, log_path = production_server
    # A fresh database without its tables: the server answers, the health says why it is not ready
    status, headers, body = _get(base + "/helse/")
    assert status == 503
    report = json.loads(body)
    assert report["database"] == "ok"
    assert report["migrations_pending"] > 0

    status, headers, _body = _get(base + "/beboere/12/?q=Kari")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/beboere/12/?q=Kari"

    lines = [json.loads(line) for line in log_path.read_text().splitlines()
             if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "husly.request"]
    # (the fixture's readiness probe is the first /helse/ line)
    assert [r["route"] for r in requests][-2:] == ["/helse/", "(unresolved)"]
    assert [r["status"] for r in requests][-2:] == [503, 301]
    assert "Kari" not in log_path.read_text()
    assert "/beboere/12/" not in log_path.read_text()


def _shell(tmp_path, code: str, **env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR,
        env=_production_env(tmp_path, **env), capture_output=True, text=True, timeout=60)


def test_the_cache_is_shared_through_redis_when_configured(tmp_path):
    # Two processes: what one stores, the other reads (the API's rate limits rely on it).
    url = "redis://127.0.0.1:6379/15"
    key = f"husly-test-{time.time_ns()}"
    first = _shell(tmp_path, f"from django.core.cache import cache; cache.set('{key}', 41 + 1)",
                   HUSLY_CACHE_URL=url)
    assert first.returncode == 0, first.stderr[-500:]
    second = _shell(tmp_path, f"from django.core.cache import cache; print(cache.get('{key}'))",
                    HUSLY_CACHE_URL=url)
    assert second.stdout.strip().splitlines()[-1] == "42"


def test_an_unknown_cache_url_stops_the_start_with_what_to_write(tmp_path):
    result = _shell(tmp_path, "pass", HUSLY_CACHE_URL="memcached://127.0.0.1")
    assert result.returncode != 0
    assert "HUSLY_CACHE_URL must start with redis://" in result.stderr
