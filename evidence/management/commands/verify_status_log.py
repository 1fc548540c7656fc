"""Recompute the observation log's hash chain; exit 1 naming the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from evidence.chain import first_broken
from evidence.watcher import log_entries


class Command(BaseCommand):
    help = "Check that no entry of the status observation log was changed or removed."

    def handle(self, *args, **options):
        count = 0

        def counted():
            nonlocal count
            for entry in log_entries():
                count += 1
                yield entry

        broken = first_broken(counted())
        if broken is not None:
            sequence, reason = broken
            raise CommandError(f"Entry #{sequence} is not intact: {reason}.")
        self.stdout.write(f"chain intact: {count} entries")
