"""gunicorn for Husly behind a reverse proxy (docs/deploy.md). Every value can be overridden
from the environment file of the systemd unit."""

import multiprocessing
import os

bind = os.environ.get("HUSLY_BIND", "127.0.0.1:8000")
# Django is synchronous: processes, not threads, use the cores.
workers = int(os.environ.get("HUSLY_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("HUSLY_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Only the proxy on this machine may say which scheme and client the request came with.
forwarded_allow_ips = os.environ.get("HUSLY_PROXY_IPS", "127.0.0.1,::1")
# No access log: its lines carry the full path and query string. Husly writes one line a
# request itself, with the route pattern only (husly/common/logs.py).
accesslog = None
errorlog = "-"
loglevel = "warning"
wsgi_app = "config.wsgi:application"
