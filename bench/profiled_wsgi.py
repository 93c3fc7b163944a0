"""The app as gunicorn serves it, measured from inside the worker (bench/profile_worker.py).

gunicorn loads `profiled_wsgi:application` (with `--pythonpath bench`) instead of
config.wsgi's: each request runs Django's WSGI handler as usual, and its CPU time (the
serving thread's, time.thread_time, the response body iterated) is kept per kind of
request; with PROFILE_MODE=cprofile each request also runs under its kind's cProfile, timed by the
thread's CPU clock (not the wall: the machine is shared).
`GET /__profile__` (answered here, never by Django) writes what was kept to
$PROFILE_OUT/<pid>-*.{json,pstats} and forgets it. Bench only: never deployed.
"""
from __future__ import annotations

import cProfile
import json
import os
import re
import threading
import time

from config.wsgi import application as django_application

MODE = os.environ.get("PROFILE_MODE", "cpu")
OUT = os.environ.get("PROFILE_OUT", ".")
KINDS = ((re.compile(r"POST /api/documents/\d+/spans/$"), "span create"),
         (re.compile(r"POST /api/documents/\d+/attributions/$"), "attribution create"),
         (re.compile(r"PATCH /api/spans/\d+/$"), "span update"),
         (re.compile(r"DELETE /api/spans/\d+/$"), "span delete"),
         (re.compile(r"GET /api/me/$"), "GET /api/me/"))
_lock = threading.Lock()
_cpu: dict[str, list[float]] = {}
_profiles: dict[str, cProfile.Profile] = {}


def _kind(environ) -> str:
    line = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
    return next((name for pattern, name in KINDS if pattern.match(line)), "other")


def _dump(start_response):
    with _lock:
        cpu, profiles = dict(_cpu), dict(_profiles)
        _cpu.clear()
        _profiles.clear()
    pid = os.getpid()
    with open(os.path.join(OUT, f"{pid}-cpu.json"), "w") as out:
        json.dump(cpu, out)
    for name, profile in profiles.items():
        profile.dump_stats(os.path.join(OUT, f"{pid}-{name.replace(' ', '_').replace('/', '')}"
                                             ".pstats"))
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"pid": pid, "kinds": sorted(cpu)}).encode()]


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/__profile__":
        return _dump(start_response)
    kind = _kind(environ)
    profile = None
    if MODE == "cprofile" and kind != "other":
        with _lock:
            profile = _profiles.setdefault(kind, cProfile.Profile(time.thread_time))
        profile.enable()
    began = time.thread_time()
    try:
        result = django_application(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        spent = time.thread_time() - began
        if profile is not None:
            profile.disable()
    with _lock:
        _cpu.setdefault(kind, []).append(spent)
    return [body]
