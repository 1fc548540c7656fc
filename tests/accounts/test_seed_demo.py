import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from claims.demo import DEMO_PASSWORD
from claims.models import Doctor, User
from claims.permissions import is_admin, is_reviewer

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_three_accounts_and_is_idempotent(capsys, rf):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "doctor@example.org" in out and DEMO_PASSWORD in out
    assert User.objects.filter(email__endswith="@example.org").count() == 3
    doctor = Doctor.objects.get(riziv="12345678004")
    assert authenticate(rf.post("/"), username=doctor.user.email, password=DEMO_PASSWORD)
    assert is_reviewer(User.objects.get(email="reviewer@example.org"))
    assert is_admin(User.objects.get(email="admin@example.org"))
