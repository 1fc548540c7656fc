"""The service catalogue of domain.md, so that every new database has it."""

from decimal import Decimal

from django.db import migrations

SERVICES = [
    # slug, French, Dutch, English, SLA target (domain.md: only MyCarenet's is published)
    ("ehealth-auth", "Authentification eHealth", "eHealth-authenticatie", "eHealth authentication", None),
    ("recip-e", "Recip-e (prescription électronique)", "Recip-e (elektronisch voorschrift)",
     "Recip-e (electronic prescription)", None),
    ("mycarenet", "MyCarenet", "MyCarenet", "MyCarenet", Decimal("99.000")),
    ("dmg", "Dossier médical global (DMG)", "Globaal medisch dossier (GMD)",
     "Global medical file (GMD)", None),
    ("insurability", "Assurabilité (MDA)", "Verzekerbaarheid (MDA)", "Insurability (MDA)", None),
    ("tiers-payant", "Tiers payant (eFact)", "Derdebetalersregeling (eFact)",
     "Third-party payment (eFact)", None),
    ("eattest", "eAttest", "eAttest", "eAttest", None),
    ("chapter-iv", "Chapitre IV", "Hoofdstuk IV", "Chapter IV agreements", None),
    ("hubs", "Hubs / Metahub", "Hubs / Metahub", "Hubs / Metahub", None),
    ("vaccinnet", "Vaccinnet (statut vaccinal)", "Vaccinnet (vaccinatiestatus)",
     "Vaccinnet (vaccination status)", None),
]


def add_services(apps, schema_editor):
    Service = apps.get_model("outages", "Service")
    for position, (slug, fr, nl, en, sla) in enumerate(SERVICES):
        Service.objects.update_or_create(
            slug=slug,
            defaults={"name_fr": fr, "name_nl": nl, "name_en": en, "sla_target": sla,
                      "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("outages", "0001_initial")]
    operations = [migrations.RunPython(add_services, migrations.RunPython.noop)]
