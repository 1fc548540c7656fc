"""Data for the cluster (run inside ``manage.py shell`` on the cluster's database):
a doctor with declarations and a draft claim for January 2024, three other doctors'
submitted claims (their dossiers rendered and stored in the bucket), a reviewer and an
administrator. Prints one JSON line with their ids."""

import json
import sys
from datetime import date

sys.path.insert(0, "tests/claims")

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from factories_review import (  # noqa: E402
    at,
    declare_consultation,
    declare_slot,
    new_doctor,
    recip_e_outage,
    submitted_claim,
)

from accounts.permissions import REVIEWERS_GROUP  # noqa: E402
from claims.services.claims import claim_get_or_create_draft  # noqa: E402

PASSWORD = "cluster-password-2024"

recip_e_outage()
doctor = new_doctor(language="en", last_name="Cluster")
doctor.user.set_password(PASSWORD)
doctor.user.save()
declare_slot(doctor, at(15, 7, 30), at(15, 10, 0))
declare_consultation(doctor, at(15, 9, 40))
draft = claim_get_or_create_draft(
    doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
)
others = [submitted_claim(language=lang, dossier_pages=None) for lang in ("fr", "nl", "en")]
User = get_user_model()
reviewer = User.objects.create_user(
    email="reviewer@cluster.example", password=PASSWORD, is_staff=True, language="en"
)
reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
admin = User.objects.create_superuser(email="admin@cluster.example", password=PASSWORD)
print(
    json.dumps(
        {
            "password": PASSWORD,
            "doctor": doctor.user.email,
            "draft": draft.pk,
            "submitted": [claim.pk for claim in others],
            "reviewer": reviewer.email,
            "admin": admin.email,
        }
    )
)
