import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.scheduler import scheduler_tick


class Command(BaseCommand):
    help = (
        "Run the periodic notification jobs (retries, cure-deadline reminders, the legal "
        "team's digest) every minute; missed runs are caught up once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One tick, then exit.")
        parser.add_argument(
            "--now", help="With --once: the moment to act as (ISO 8601 with an offset)."
        )

    def handle(self, *args, once=False, now=None, **options):
        if now is not None:
            try:
                now = datetime.fromisoformat(now)
            except ValueError as error:
                raise CommandError(f"--now: {error}") from error
            if now.tzinfo is None:
                raise CommandError("--now needs an offset, e.g. 2024-03-01T08:00+01:00.")
        if once:
            ran = scheduler_tick(now=now)
            self.stdout.write("ran: " + (", ".join(ran) or "nothing"))
            return
        while True:
            ran = scheduler_tick()
            if ran:
                self.stdout.write(f"{timezone.now().isoformat()} ran: {', '.join(ran)}")
            # Wake at the start of the next minute.
            time.sleep(60 - time.time() % 60 + 0.5)
