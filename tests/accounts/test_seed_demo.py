import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.permissions import is_admin, is_reviewer
from claims.demo import DEMO_PASSWORD
from claims.models import Doctor, User

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]


def test_seed_demo_creates_the_three_accounts_and_is_idempotent(capsys, rf):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "doctor@example.org" in out and DEMO_PASSWORD in out
    demo_emails = ["doctor@example.org", "reviewer@example.org", "admin@example.org"]
    assert User.objects.filter(email__in=demo_emails).count() == 3
    users_after_first_run = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users_after_first_run
    doctor = Doctor.objects.get(riziv="12345678004")
    assert authenticate(rf.post("/"), username=doctor.user.email, password=DEMO_PASSWORD)
    assert is_reviewer(User.objects.get(email="reviewer@example.org"))
    assert is_admin(User.objects.get(email="admin@example.org"))
