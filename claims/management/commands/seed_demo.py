from django.core.management.base import BaseCommand

from claims.demo import seed_accounts, seed_declarations
from claims.review.demo import seed_review
from outages.demo import seed_calendar


class Command(BaseCommand):
    help = "Load demo data (accounts, January 2024 calendar, a doctor's declarations). Idempotent."

    def handle(self, *args, **options):
        accounts = seed_accounts()
        self.stdout.write("Demo accounts (log in at /account/login/):")
        for role, email, password in accounts:
            self.stdout.write(f"  {role:<9} {email:<24} password: {password}")
        created, updated = seed_calendar()
        self.stdout.write(
            f"Demo calendar, January 2024 (Recip-e down 847 min): "
            f"{created} incidents created, {updated} reset; see /outages/?month=2024-01"
        )
        slots, consultations, claim = seed_declarations()
        self.stdout.write(
            f"Demo doctor's January 2024: {slots} slots and {consultations} consultations"
            + (f", draft claim #{claim.pk}" if claim else "")
            + "; log in as the doctor to see the dashboard"
        )
        reviewed = seed_review()
        if reviewed is not None:
            self.stdout.write(
                f"Demo claims for the legal team: {reviewed} submitted now; log in as the "
                "reviewer and open /claims/review/"
            )
