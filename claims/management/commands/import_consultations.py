from claims.importers.consultations import consultations_preview
from claims.management.commands._importing import MAX_BYTES, MAX_ROWS, ImportCommand


class Command(ImportCommand):
    help = (
        "Import a doctor's consultations: start,duration_minutes,code,fee,services,outcome "
        "(upsert by start+code; an empty fee is the nomenclature's)."
    )
    needs_doctor = True

    def preview(self, data, doctor):
        return consultations_preview(
            doctor=doctor, data=data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
        )
