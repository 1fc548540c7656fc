"""Poll the eHealth status service and keep the observation log (issue: independent evidence).

manage.py watch_ehealth_status            # runs until stopped, every EHEALTH_STATUS_INTERVAL s
manage.py watch_ehealth_status --once     # one poll, for cron
manage.py watch_ehealth_status --replay evidence/replay   # recorded answers, in a loop
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from evidence.status_body import BodyError
from evidence.watcher import poll_once, poll_record

REPLAY_TIMEOUT_SUFFIX = ".timeout"


class Command(BaseCommand):
    help = "Poll the eHealth status service and log every change of status."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Poll once and exit (cron).")
        parser.add_argument("--url", default=None, help="Default: EHEALTH_STATUS_URL.")
        parser.add_argument(
            "--replay",
            default=None,
            metavar="DIR",
            help="Replay the recorded answers of DIR (sorted by name, in a loop) instead of "
            "polling; a file ending in .timeout stands for a poll that got no answer.",
        )

    def handle(self, *args, once=False, url=None, replay=None, **options):
        interval = settings.EHEALTH_STATUS_INTERVAL
        timeout = settings.EHEALTH_STATUS_TIMEOUT
        url = url or settings.EHEALTH_STATUS_URL
        recordings = self._recordings(replay) if replay else None
        position = 0
        while True:
            if recordings is not None:
                path = recordings[position % len(recordings)]
                position += 1
                result = self._replay(path, interval)
            else:
                result = poll_once(url=url, timeout=timeout, interval=interval)
            for error in result.errors:
                self.stderr.write(error)
            if once:
                self.stdout.write(f"changes {result.changes}, errors {len(result.errors)}")
                return
            # A long-running process: do not keep a connection the database may have closed.
            close_old_connections()
            time.sleep(interval)

    def _recordings(self, folder: str) -> list[Path]:
        paths = (
            sorted(p for p in Path(folder).iterdir() if p.is_file())
            if Path(folder).is_dir()
            else []
        )
        if not paths:
            raise CommandError(f"No recorded answers in {folder}.")
        return paths

    def _replay(self, path: Path, interval: float):
        source = f"replay:{path.name}"
        if path.name.endswith(REPLAY_TIMEOUT_SUFFIX):
            error = BodyError("timeout", "No answer (recorded timeout)")
            return poll_record(body=None, error=error, url=source, interval=interval)
        return poll_record(body=path.read_bytes(), error=None, url=source, interval=interval)
