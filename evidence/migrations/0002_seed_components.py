"""The known services' components on the eHealth status page, mapped to the catalogue.

The names are the status page's usual wording; a component whose name differs is added
unmapped at its first poll and the admin maps it ("Status page components").
"""

from django.db import migrations

COMPONENTS = [
    ("Recip-e", "recip-e"),
    ("MyCareNet", "mycarenet"),
    ("eHealth Authentication", "ehealth-auth"),
    ("eAttest", "eattest"),
    ("eFact", "tiers-payant"),
    ("Chapitre IV", "chapter-iv"),
    ("Metahub", "hubs"),
    ("Vaccinnet", "vaccinnet"),
    ("eGMD", "dmg"),
    ("MDA", "insurability"),
]

MYCARENET_SLA_SOURCE = (
    "MyCareNet usage regulation: 99 % availability per month, planned maintenance excluded"
)


def seed(apps, schema_editor):
    Service = apps.get_model("outages", "Service")
    StatusComponent = apps.get_model("evidence", "StatusComponent")
    services = {service.slug: service for service in Service.objects.all()}
    for name, slug in COMPONENTS:
        StatusComponent.objects.get_or_create(name=name, defaults={"service": services.get(slug)})
    Service.objects.filter(slug="mycarenet", sla_source="").update(sla_source=MYCARENET_SLA_SOURCE)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial"), ("outages", "0004_service_sla_source")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
