"""Reference data every database needs: methodology ABSyM-2024.1, the 2024 fees
(domain.md, VNZ table from 1 January 2024) and the reviewers group."""

import datetime
from decimal import Decimal

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

FEES_2024 = [
    ("101076", "Consultation au cabinet, MG accrédité", "Raadpleging in de spreekkamer, geaccrediteerde huisarts",
     "Office consultation, accredited GP", "31.81"),
    ("101032", "Consultation au cabinet, MG reconnu", "Raadpleging in de spreekkamer, erkende huisarts",
     "Office consultation, recognised GP", "25.68"),
    ("103132", "Visite à domicile MG", "Huisbezoek huisarts", "GP home visit", "45.81"),
    ("104215", "Visite à domicile MG 18–21 h", "Huisbezoek huisarts 18–21 u", "GP home visit 18–21 h",
     "60.91"),
    ("104230", "Visite à domicile MG de nuit", "Nachtelijk huisbezoek huisarts", "GP night home visit",
     "105.34"),
    ("101496", "Ouverture DMG (eDMG)", "Opening GMD (eGMD)", "eGMD opening", "36.61"),
    ("101533", "Prolongation DMG (eDMG)", "Verlenging GMD (eGMD)", "eGMD renewal", "36.61"),
]

REVIEWER_PERMISSIONS = [
    ("claims", "view_claim"),
    ("claims", "review_claim"),
    ("claims", "export_claims"),
    ("claims", "view_doctor"),
    ("outages", "view_incident"),
    ("outages", "view_service"),
]


def add_reference_data(apps, schema_editor):
    Methodology = apps.get_model("claims", "Methodology")
    Methodology.objects.get_or_create(
        version="ABSyM-2024.1",
        defaults={
            "published_on": datetime.date(2024, 2, 1),
            "counted_impacts": ["major_outage", "partial_outage"],
            "counted_statuses": ["confirmed"],
            "hourly_rate": Decimal("90.00"),
            "loss_outcomes": ["cancelled", "unpaid"],
            "catch_up_minutes": {"recip-e": 3, "mycarenet": 5, "dmg": 5, "tiers-payant": 5,
                                 "eattest": 5},
            "notes": "Default values proposed to ABSyM for confirmation (methodology.md).",
        },
    )
    NomenclatureFee = apps.get_model("claims", "NomenclatureFee")
    for code, fr, nl, en, fee in FEES_2024:
        NomenclatureFee.objects.get_or_create(
            code=code,
            valid_from=datetime.date(2024, 1, 1),
            defaults={"label_fr": fr, "label_nl": nl, "label_en": en, "fee": Decimal(fee),
                      "valid_until": datetime.date(2024, 12, 31)},
        )
    # Permissions are normally created after all migrations; the group needs them now.
    for app_label in ("claims", "outages"):
        create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="reviewers")
    for app_label, codename in REVIEWER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_initial"), ("outages", "0002_service_catalogue")]
    operations = [migrations.RunPython(add_reference_data, migrations.RunPython.noop)]
