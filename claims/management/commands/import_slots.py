from claims.importers.slots import slots_preview
from claims.management.commands._importing import MAX_BYTES, MAX_ROWS, ImportCommand


class Command(ImportCommand):
    help = "Import a doctor's affected time slots: start,end,services,note (upsert by start+end)."
    needs_doctor = True

    def preview(self, data, doctor):
        return slots_preview(doctor=doctor, data=data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
