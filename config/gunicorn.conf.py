"""gunicorn's configuration for the web processes: `gunicorn -c config/gunicorn.conf.py`.

Every value can be changed with an environment variable (docs/deploy.md lists
them); the defaults suit one machine behind a reverse proxy that terminates TLS
on the same host. The Django settings themselves come from the usual variables
(config/settings.py), read by each worker when it loads the app.
"""
from __future__ import annotations

import gc
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"annotator: {name}={raw!r} is not an integer.") from None


wsgi_app = "config.wsgi:application"
proc_name = "annotator-web"

# --- Where to listen ---------------------------------------------------------
# GUNICORN_BIND takes precedence; PORT is the Procfile platforms' convention.
# The default listens on loopback only: the reverse proxy on the same machine
# is the only client. Give a routable address when the proxy is elsewhere.
if os.environ.get("GUNICORN_BIND"):
    bind = [part.strip() for part in os.environ["GUNICORN_BIND"].split(",") if part.strip()]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

# --- Processes and threads ---------------------------------------------------
# One process per core uses every core (one GIL each); threads overlap the
# waits on PostgreSQL. On 2 cores, 2 x 4 served 183 span writes/s from 8
# clients without an error (docs/benchmarks.md). gthread also keeps
# connections alive, so a proxy can reuse them.
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", max(2, os.cpu_count() or 1))
threads = _int("GUNICORN_THREADS", 4)

# A worker whose main loop stops answering for this long is killed and
# replaced. With gthread, a long request (a large import) does not count: the
# worker's main thread keeps its heartbeat going while a thread serves it.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or HUP, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the proxy's idle timeout for upstream connections (nginx keeps
# them 60 s): otherwise the proxy may send a request on a connection that
# gunicorn has just closed, and the user gets a 502.
keepalive = _int("GUNICORN_KEEPALIVE", 75)

# Replace each worker after about this many requests, so that slow growth of
# memory cannot pile up; the jitter keeps the workers from restarting at once.
# A new worker costs about a second of CPU (imports, then its first requests'
# compiled queries and cached texts): at 1,000 that was about 1 ms per request
# on top of a 2 ms write, and a worker restarted every few seconds under load
# (bench/http_floor.py). What a process caches is bounded (the texts in
# services/layers.py: 16 million code points). 0: never.
max_requests = _int("GUNICORN_MAX_REQUESTS", 50_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5_000)

# Off: each worker imports the app itself after the fork. A HUP (systemctl
# reload) then starts workers on the new code, which is how an upgrade rolls
# without dropping a request (docs/deploy.md); with preload the master would
# keep serving the code it loaded at start. The memory preloading would share
# is small next to what each worker touches (and so copies) anyway.
preload_app = False

# The workers' heartbeat files: in memory when possible, because on a busy
# disk fchmod can block a worker long enough for the master to kill it.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# --- Behind the reverse proxy ------------------------------------------------
# The proxy terminates TLS and says so with `X-Forwarded-Proto: https`;
# gunicorn believes that header (and sets wsgi.url_scheme, which Django's
# request.is_secure() reads) only from these addresses. Same machine by
# default; list the proxy's address when it runs elsewhere. Never "*" on a
# port that clients can reach directly: they could claim to be on https.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn 25.1+ opens a control socket at one fixed path per user by
# default; a second gunicorn of the same user (another site, a benchmark)
# would take it over. Off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# --- Logs: to stdout/stderr, for journald or the platform to collect ----------
# "off" (or "none", "/dev/null", empty) turns the access log off: gunicorn then does not
# format a line per request at all, which it does even for /dev/null.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
if accesslog.strip().lower() in ("", "off", "none", "/dev/null"):
    accesslog = None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client as the proxy saw it (X-Forwarded-For) before the proxy's own
# address, the time taken in milliseconds and the worker's pid. No cookies and
# no Authorization header are ever logged.
access_log_format = ('%({x-forwarded-for}i)s via %(h)s %(t)s "%(r)s" %(s)s %(B)s '
                     '%(M)sms %(p)s "%(a)s"')


# --- Garbage collection --------------------------------------------------------
def post_worker_init(worker):
    """The app is loaded: what it made so far (modules, settings, URL patterns) lives as
    long as the process. Frozen, the collector no longer walks those objects (some
    100,000) in each of its full collections."""
    gc.collect()
    gc.freeze()
