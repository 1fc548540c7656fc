from django.core.management.base import BaseCommand

from notifications.calendar import incident_states_sync


class Command(BaseCommand):
    help = (
        "Remember the incidents that notifications have not seen yet (loaded outside imports "
        "and the admin, as seed_demo does) without telling anyone about them."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"recorded {incident_states_sync()} incidents")
