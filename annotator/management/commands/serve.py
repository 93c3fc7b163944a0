"""The quick start's process supervisor: the web server and a Celery worker.

`make run` calls it after migrating and loading the seeds. Ctrl-C (or SIGTERM)
stops both children and waits for them; if either dies, the other is stopped
too, so the quick start never runs half-alive.
"""
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from annotator.models import WorkerPing
from annotator.services.demo import DEMO_USERS
from annotator.services.worker import worker_ping_start


class Command(BaseCommand):
    help = "Run the web server and a Celery worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--concurrency", type=int, default=2,
                            help="Celery worker processes.")

    def handle(self, *args, host, port, concurrency, **options):
        base = Path(settings.BASE_DIR)
        children = {
            "worker": subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "--quiet", "worker",
                 "--loglevel=WARNING", f"--concurrency={concurrency}", "--without-gossip",
                 "--without-mingle", "--beat"],
                cwd=base),
            "web": subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
                cwd=base),
        }
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        worker_state = self._wait_for_worker(timeout=30, children=children)
        self._banner(host, port, worker_state)
        code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} process exited (code {child.returncode}); "
                                      "stopping the rest.")
                    stopping, code = True, 1
            time.sleep(0.3)
        self.stdout.write("Stopping the web server and the worker...")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped.")
        if code:
            sys.exit(code)

    def _wait_for_worker(self, *, timeout: float, children: dict) -> str:
        """Send a task through the broker and wait for the worker's answer."""
        ping = worker_ping_start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answered = WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).first()
            if answered:
                return f"ready (answered a test task through {settings.CELERY_BROKER_URL.split(':')[0]})"
            if any(child.poll() is not None for child in children.values()):
                return "a process exited during start-up (see above)"
            time.sleep(0.2)
        return f"NOT answering after {timeout:.0f} s: background jobs will wait"

    def _banner(self, host: str, port: int, worker_state: str) -> None:
        existing = set(get_user_model().objects.filter(
            username__in=[u for u, _, _ in DEMO_USERS]).values_list("username", flat=True))
        lines = ["", "=" * 72,
                 f"  Claim-and-source annotator is running: open http://{host}:{port}/",
                 f"  API docs:  http://{host}:{port}/api/docs/",
                 f"  Admin:     http://{host}:{port}/admin/",
                 f"  Worker:    {worker_state}"]
        if settings.DEBUG and existing:
            lines.append("  Demo users (user / password):")
            lines += [f"    {role:<10} {user} / {password}"
                      for user, password, role in DEMO_USERS if user in existing]
        lines += ["  Press Ctrl-C to stop.", "=" * 72, ""]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
