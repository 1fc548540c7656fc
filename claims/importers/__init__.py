"""CSV imports of doctors (admins) and of a doctor's slots and consultations.

One engine for the management commands and the upload pages (interfaces.md, "Doctor
data imports"): all or nothing, line-numbered errors, upsert (doctors by RIZIV, slots by
start and end, consultations by start and code), nothing ever deleted.

    preview = slots.preview(doctor=doctor, data=raw_bytes)
    if preview.is_valid:
        preview.apply()
"""
