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
from django.core.management.base import BaseCommand


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
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
                 f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"],
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
        time.sleep(1.5)
        self.stdout.write(self.style.SUCCESS(
            f"\n  Open http://{host}:{port}/ in your browser "
            f"(API docs: http://{host}:{port}/api/docs/). Press Ctrl-C to stop.\n"))
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
