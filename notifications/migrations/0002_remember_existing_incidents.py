"""On a first deployment, the incidents already in the calendar are known, not news: they
are recorded silently, so the first change does not announce the whole calendar."""

from django.db import migrations


def remember(apps, schema_editor):
    Incident = apps.get_model("outages", "Incident")
    IncidentState = apps.get_model("notifications", "IncidentState")
    states = [
        IncidentState(
            reference=incident.reference,
            title=incident.title,
            start=incident.start,
            end=incident.end,
            impact=incident.impact,
            status=incident.status,
            source_url=incident.source_url,
            services=sorted(s.slug for s in incident.services.all()),
        )
        for incident in Incident.objects.prefetch_related("services").iterator(chunk_size=1000)
    ]
    IncidentState.objects.bulk_create(states, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(remember, migrations.RunPython.noop)]
