"""Data for the capacity run (inside ``manage.py shell`` on the cluster's database):
``DOCTORS`` doctors with a January 2024 of slots and consultations and a draft claim, a
logged-in session for each (made here, so the load does not measure password hashing),
ten submitted claims with real dossiers for the batch run, and a reviewer. Prints JSON."""

import json
import os
import sys
from datetime import date

sys.path.insert(0, "tests/claims")

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
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


def session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


recip_e_outage()
doctors = []
for index in range(int(os.environ.get("CAPACITY_DOCTORS", "40"))):
    doctor = new_doctor(language=("fr", "nl", "en")[index % 3], last_name=f"Load{index}")
    for day in (15, 16, 17):
        declare_slot(doctor, at(day, 7, 30), at(day, 10, 0))
        for minute in (0, 20, 40):
            declare_consultation(doctor, at(day, 9, minute))
    draft = claim_get_or_create_draft(
        doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    doctors.append({"session": session_for(doctor.user), "draft": draft.pk})
submitted = [submitted_claim(language="fr", dossier_pages=None).pk for _ in range(10)]
reviewer = get_user_model().objects.create_user(
    email="reviewer@capacity.example", password="unused-capacity-2024", is_staff=True
)
reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
print(json.dumps({"doctors": doctors, "submitted": submitted, "reviewer": session_for(reviewer)}))
