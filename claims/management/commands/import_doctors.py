from accounts.services import doctors_invite
from claims.importers.doctors import doctors_preview
from claims.management.commands._importing import MAX_BYTES, MAX_ROWS, ImportCommand


class Command(ImportCommand):
    help = "Onboard members: riziv,first_name,last_name,email,language (upsert by RIZIV)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--invite",
            action="store_true",
            help="e-mail each doctor of the file who has no password yet a link to choose one",
        )

    def preview(self, data, doctor):
        return doctors_preview(data=data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)

    def after_apply(self, preview, options):
        if options["invite"]:
            emails = [row.record.email for row in preview.rows if row.record is not None]
            self.stdout.write(f"invited {doctors_invite(emails=emails)}")
