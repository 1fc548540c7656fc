from django.core.management.base import BaseCommand

from claims.review.services.checks import claim_checks_refresh


class Command(BaseCommand):
    help = (
        "Recompute the consistency flags of submitted claims (all of them, e.g. after a "
        "calendar import, or --missing for those never checked)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="only claims without an up-to-date check"
        )

    def handle(self, *args, **options):
        count = claim_checks_refresh(only_missing=options["missing"])
        self.stdout.write(f"checked {count} claims")
