"""A production deployment on this machine, for tests: the processes of docs/deploy.md.

    with Deployment(folder, database_url=..., broker_url=...) as deployment:
        deployment.manage("migrate", "--noinput")
        web = deployment.start_web(workers=2)          # gunicorn -c config/gunicorn.conf.py
        deployment.start_worker("a")                   # celery worker, as the Procfile says
        deployment.start_beat()
        web.get("/healthz")

Every process is started with the command line of `config/deploy/Procfile`
(through `sh -c`, as Procfile runners do), in a process group of its own, with
production settings (`config.settings`, DEBUG off, a random 64-character
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1) and nothing else of the test process's
environment but PATH, HOME and the locale. Servers listen on 127.0.0.1, on
free ports. Leaving the `with` block stops every process it started (TERM,
then KILL of the whole group), also when a test fails.

`postgres_database()` makes (and drops) a database of its own; pick a Redis db
number and a queue name no other test uses (`broker_url_for()`).
"""
from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [p for p in (str(ROOT / "bench"),) if p not in sys.path]
from api_bench import postgres_database  # noqa: E402,F401  (re-exported for the tests)

PROCFILE = ROOT / "config" / "deploy" / "Procfile"
HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
# What a process may take from the test's environment; the rest is set here.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


def procfile_commands(path: Path = PROCFILE) -> dict[str, str]:
    """The Procfile's process types and their command lines."""
    commands = {}
    for line in path.read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if found and not line.lstrip().startswith("#"):
            commands[found.group(1)] = found.group(2).strip()
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def database_url_of(settings_dict: dict) -> str:
    """DATABASE_URL for a Django PostgreSQL connection's settings (e.g. the test database)."""
    from urllib.parse import quote

    auth = quote(settings_dict.get("USER") or "")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"])
    return (f"postgres://{auth}@{settings_dict.get('HOST') or HOST}:"
            f"{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}")


def broker_url_for(server_url: str, db: int) -> str:
    """The Redis URL of server_url with another db number."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{db}"))


def forget_queue(broker_url: str, queue: str) -> None:
    """Delete what kombu keeps in Redis for one queue (never anything else)."""
    import redis

    client = redis.Redis.from_url(broker_url, socket_connect_timeout=5)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}",
                      *[f"{queue}\x06\x16{priority}" for priority in range(10)])
    finally:
        client.close()


class Process:
    """One started process (its own process group), with its output in a log file."""

    def __init__(self, name: str, command: str, env: dict, log: Path):
        self.name, self.command, self.log = name, command, log
        with log.open("ab") as output:
            self.popen = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {command}"], cwd=ROOT, env=env,
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True)  # a group of its own: stop() reaches its children

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:]) or "(no output)"

    def wait_for(self, ready, what: str, timeout: float = START_TIMEOUT) -> None:
        """Poll ready() until true; fail with the log if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.popen.returncode} before "
                                   f"{what}:\n{self.tail()}")
            if ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: no {what} after {timeout:.0f} s:\n{self.tail()}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """TERM to the main process (a graceful stop), then KILL to whatever is left."""
        if self.alive():
            try:
                self.popen.send_signal(signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)  # children that outlived their parent
        except (ProcessLookupError, PermissionError):
            pass
        if self.alive():
            self.popen.wait(timeout=timeout)


class Web(Process):
    """gunicorn, and a way to reach it as the reverse proxy would."""

    def __init__(self, *args, port: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.port = port
        self.url = f"http://{HOST}:{port}"


class Deployment:
    """Processes sharing one database, one broker, one export folder and one environment."""

    def __init__(self, folder: Path, *, database_url: str, broker_url: str, queue: str,
                 extra_env: dict | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.commands = procfile_commands()
        self.processes: list[Process] = []
        bin_dir = str(Path(sys.executable).parent)
        base = {key: os.environ[key] for key in INHERITED if key in os.environ}
        self.env = {
            **base,
            "PATH": bin_dir + os.pathsep + base.get("PATH", "/usr/bin:/bin"),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_QUEUE": queue,
            "DATA_DIR": str(self.folder / "data"),
            "STATIC_ROOT": str(self.folder / "static"),
            "EXPORT_DIR": str(self.folder / "exports"),  # one folder: web and workers share it
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }
        # Installation makes the data folder (docs/deploy.md); beat keeps its schedule there.
        Path(self.env["DATA_DIR"]).mkdir(parents=True, exist_ok=True)

    # --- Commands that run and end -------------------------------------------------------

    def manage(self, *args: str, env: dict | None = None, timeout: float = 120) -> str:
        """`python manage.py ARGS` in this deployment's environment; its output, or an error."""
        return self.run([sys.executable, "manage.py", *args], env=env, timeout=timeout)

    def run(self, argv: list[str], *, env: dict | None = None, timeout: float = 120) -> str:
        done = subprocess.run(argv, cwd=ROOT, env={**self.env, **(env or {})},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{shlex.join(argv)} exited with {done.returncode}:\n"
                               f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout + done.stderr

    # --- Long-running processes --------------------------------------------------------

    def start(self, kind: str, name: str, env: dict | None = None, cls=Process, **kwargs):
        process = cls(name, self.commands[kind], {**self.env, **(env or {})},
                      self.folder / f"{name}.log", **kwargs)
        self.processes.append(process)
        return process

    def start_web(self, *, workers: int = 2, threads: int = 2, env: dict | None = None) -> Web:
        port = free_port()
        web = self.start("web", "web", env={"GUNICORN_BIND": f"{HOST}:{port}",
                                            "WEB_CONCURRENCY": str(workers),
                                            "GUNICORN_THREADS": str(threads), **(env or {})},
                         cls=Web, port=port)
        web.wait_for(lambda: _answers(port), "answer on /healthz")
        return web

    def start_worker(self, name: str, *, concurrency: int = 1, env: dict | None = None,
                     wait: bool = True) -> Process:
        """A Celery worker named `name@<host>`; waits until it says it is ready."""
        worker = self.start("worker", f"worker-{name}",
                            env={"CELERY_WORKER_NAME": name,
                                 "CELERY_CONCURRENCY": str(concurrency), **(env or {})})
        if wait:
            self.wait_worker_ready(worker)
        return worker

    @staticmethod
    def wait_worker_ready(worker: Process) -> None:
        worker.wait_for(lambda: " ready." in worker.output(), "'ready.' in its log")

    def start_beat(self) -> Process:
        """The beat process; ready once it has opened its schedule file in DATA_DIR."""
        beat = self.start("beat", "beat")
        data_dir = Path(self.env["DATA_DIR"])
        beat.wait_for(lambda: "beat: Starting" in beat.output()
                      and any(data_dir.glob("celerybeat-schedule*")), "schedule file")
        time.sleep(0.5)
        beat.wait_for(lambda: True, "a second look")  # fails if it died opening the schedule
        return beat

    def stop(self) -> None:
        # Web first (no new work is queued), then workers and beat; every one, even if one fails.
        errors = []
        for process in sorted(self.processes, key=lambda p: not isinstance(p, Web)):
            try:
                process.stop()
            except Exception as exc:  # noqa: BLE001: stop the others, then report
                errors.append(f"{process.name}: {exc!r}")
        if errors:
            raise RuntimeError("could not stop: " + "; ".join(errors))

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def logs(self) -> str:
        """Every process's last lines, for a failure message."""
        return "\n".join(f"--- {p.name} ({p.log})\n{p.tail()}" for p in self.processes)


class ProxiedSession:
    """HTTP requests as the TLS-terminating reverse proxy forwards them to gunicorn.

    Every request carries X-Forwarded-Proto: https and X-Forwarded-For (the
    browser's address), and comes from 127.0.0.1, an address gunicorn trusts
    (FORWARDED_ALLOW_IPS): to Django it is an https request. Unsafe requests
    carry the Referer a browser on that page would send (Django checks it on
    https). The app marks its cookies Secure; this leg of the trip is plain
    http, so the jar is told to send them anyway. One keep-alive connection.
    """

    def __init__(self, base: str, *, token: str | None = None,
                 client_address: str = "203.0.113.7"):
        import requests

        self.base = base
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https",
                                     "X-Forwarded-For": client_address})
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    @property
    def origin(self) -> str:
        return "https://" + self.base.split("//", 1)[1]

    def request(self, method: str, path: str, **kwargs):
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            kwargs["headers"] = {"Referer": self.origin + path.split("?", 1)[0],
                                 **(kwargs.get("headers") or {})}
        response = self.session.request(method, self.base + path, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self.session.close()


def _answers(port: int) -> bool:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()
