"""A private PostgreSQL cluster and a private Redis server, for tests that restart them.

The machine's shared servers (127.0.0.1:5432 and :6379) are never touched:
each server here lives in a temporary folder, listens on a free port of
127.0.0.1 only, and is stopped (and its folder removed) by `close()`, which
also runs at interpreter exit as a last resort.

    with PrivatePostgres() as pg, PrivateRedis() as redis_server:
        url = pg.create_database("annotator")
        ...
        pg.stop()       # clients see their connections closed
        pg.start()      # same port, same data

PostgreSQL needs its binaries (`initdb`, `pg_ctl`, `postgres`): the newest
/usr/lib/postgresql/*/bin, or PG_BIN_DIR. initdb refuses to run as root, so
as root every PostgreSQL command runs as the `postgres` user.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT = 60  # seconds for a server to accept connections
STOP_TIMEOUT = 60

_open: set = set()  # servers not closed yet, closed at exit if a caller forgot


@atexit.register
def _close_leftovers() -> None:
    for server in list(_open):
        server.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are (PG_BIN_DIR, else the newest installed version)."""
    wanted = os.environ.get("PG_BIN_DIR")
    candidates = [Path(wanted)] if wanted else sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.name.split(".")],
        reverse=True)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def missing_binaries() -> list[str]:
    """What this module cannot find on this machine (empty when it can run)."""
    missing = []
    if postgres_bin_dir() is None:
        missing.append("PostgreSQL's initdb/pg_ctl (no /usr/lib/postgresql/*/bin; "
                       "set PG_BIN_DIR)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


def _wait_for_port(port: int, alive, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what} exited while starting:\n{_tail(log)}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {HOST}:{port} in {START_TIMEOUT} s:\n"
                       f"{_tail(log)}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PrivatePostgres:
    """A throwaway PostgreSQL cluster; `user postgres`, trust authentication, 127.0.0.1 only."""

    def __init__(self, folder: Path | None = None):
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL binaries not found: " + "; ".join(missing_binaries()))
        self.bin = bin_dir
        self.folder = Path(folder or tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        # initdb refuses root: run the cluster as the postgres user, who must own the folder.
        self.run_as = None
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            self.run_as = account.pw_uid
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        _open.add(self)
        self._initdb()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def _command(self, *args: str, timeout: float = STOP_TIMEOUT, check: bool = True):
        return subprocess.run([str(self.bin / args[0]), *args[1:]], user=self.run_as,
                              cwd=self.folder, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout, check=check)

    def _initdb(self) -> None:
        self._command("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "--encoding=UTF8", "--locale=C", "--no-sync", timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    @property
    def running(self) -> bool:
        return self._command("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def start(self) -> None:
        """Start (or start again, on the same port) and wait until it accepts connections."""
        # Throwaway data: no fsync. Unix socket in the private folder, TCP on 127.0.0.1 only.
        options = (f"-p {self.port} -c listen_addresses={HOST} -k {self.folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._command("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                      "-w", "-t", str(START_TIMEOUT), "start", timeout=START_TIMEOUT + 10)
        _wait_for_port(self.port, lambda: self.running, "PostgreSQL", self.log)

    def stop(self, mode: str = "fast") -> None:
        """Stop it: "fast" closes every session (a restart), "immediate" is a crash."""
        if self.running:
            self._command("pg_ctl", "-D", str(self.data), "-m", mode, "-w",
                          "-t", str(STOP_TIMEOUT), "stop", timeout=STOP_TIMEOUT + 10)

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(self.url(), connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    def close(self) -> None:
        try:
            if self.data.exists():
                self.stop("immediate")
        finally:
            _open.discard(self)
            shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A throwaway redis-server without persistence (a restart loses every message)."""

    def __init__(self, folder: Path | None = None):
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server not found")
        self.executable = executable
        self.folder = Path(folder or tempfile.mkdtemp(prefix="annotator-redis-"))
        self.log = self.folder / "redis.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        _open.add(self)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        command = [self.executable, "--port", str(self.port), "--bind", HOST,
                   "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                   "--daemonize", "no", "--protected-mode", "yes"]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(command, cwd=self.folder, stdin=subprocess.DEVNULL,
                                            stdout=output, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        _wait_for_port(self.port, lambda: self.running, "redis-server", self.log)

    def pause(self) -> None:
        """Freeze it (SIGSTOP): connections are accepted by the kernel, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop it (SIGTERM, SIGKILL after STOP_TIMEOUT); everything it held is gone."""
        if not self.running:
            return
        self.process.send_signal(signal.SIGCONT)  # a paused server would not see SIGTERM
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            _open.discard(self)
            shutil.rmtree(self.folder, ignore_errors=True)
