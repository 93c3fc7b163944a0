import time

from django.core.management.base import BaseCommand, CommandError

from annotator.models import WorkerPing
from annotator.services.worker import worker_ping_start


class Command(BaseCommand):
    help = "Send a task through the broker and wait until a worker has written its answer."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, **options):
        ping = worker_ping_start()  # autocommit: enqueued at once
        deadline = time.monotonic() + options["timeout"]
        while time.monotonic() < deadline:
            answered = WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).first()
            if answered:
                delay = (answered.answered_at - answered.created_at).total_seconds()
                self.stdout.write(f"Worker {answered.worker} answered in {delay:.2f} s.")
                return
            time.sleep(0.2)
        raise CommandError(f"No worker answered within {options['timeout']:.0f} s: "
                           "is `celery -A config worker` running with the same broker?")
