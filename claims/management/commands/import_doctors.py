from claims.importers.doctors import doctors_preview
from claims.management.commands._importing import MAX_BYTES, ImportCommand


class Command(ImportCommand):
    help = "Onboard members: riziv,first_name,last_name,email,language (upsert by RIZIV)."

    def preview(self, data, doctor):
        return doctors_preview(data=data, max_bytes=MAX_BYTES)
