"""CSV imports of doctors, slots and consultations (interfaces.md, "Doctor data
imports"): the format's variants, upsert, all or nothing, line-numbered errors."""

from decimal import Decimal
from io import StringIO

import pytest
from claims_helpers import at, brussels, in_english, make_consultation, make_slot
from django.core.management import CommandError, call_command

from claims.importers.consultations import consultations_preview
from claims.importers.doctors import doctors_preview
from claims.importers.slots import slots_preview
from claims.models import AffectedSlot, Consultation, Doctor, User

pytestmark = pytest.mark.django_db

_english = pytest.fixture(autouse=True)(in_english)

SLOTS_HEADER = "start,end,services,note\n"
CONSULTATIONS_HEADER = "start,duration_minutes,code,fee,services,outcome\n"


def slots(doctor, text):
    return slots_preview(doctor=doctor, data=text.encode("utf-8"))


def consultations(doctor, text):
    return consultations_preview(doctor=doctor, data=text.encode("utf-8"))


def messages(preview):
    return [str(error) for error in preview.errors]


# --- the file ------------------------------------------------------------------------------


def test_a_semicolon_file_with_a_bom_and_decimal_commas_is_read(doctor):
    text = (
        "\ufeffstart;duration_minutes;code;fee;services;outcome\r\n"
        '2024-01-15T09:40;20;101076;31,81;"recip-e;mycarenet";cancelled\r\n'
    )
    preview = consultations(doctor, text).apply()
    assert preview.created == 1
    consultation = Consultation.objects.get()
    assert consultation.fee == Decimal("31.81")
    assert sorted(s.slug for s in consultation.services.all()) == ["mycarenet", "recip-e"]


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored(doctor):
    text = "Services,End,Comment,Start\nrecip-e,2024-01-15T10:00,x,2024-01-15T07:30\n"
    assert slots(doctor, text).apply().created == 1
    assert AffectedSlot.objects.get().start == at(7, 30)


def test_day_first_dates_of_a_spreadsheet_and_offsets_are_read(doctor):
    text = (
        SLOTS_HEADER
        + "15/01/2024 07:30,15/01/2024 10:00,recip-e,\n"
        + "2024-01-16T07:30:00Z,2024-01-16T09:00:00+00:00,recip-e,\n"
    )
    slots(doctor, text).apply()
    starts = sorted(AffectedSlot.objects.values_list("start", flat=True))
    assert starts == [at(7, 30), brussels(2024, 1, 16, 8, 30)]


def test_it_handles_dst_naive_times_are_brussels_summer_time(doctor):
    slots(doctor, SLOTS_HEADER + "2024-07-01T09:00,2024-07-01T10:00,recip-e,\n").apply()
    assert AffectedSlot.objects.get().start == brussels(2024, 7, 1, 9)
    preview = slots(doctor, SLOTS_HEADER + "2024-03-31T02:30,2024-03-31T04:00,recip-e,\n")
    assert "does not exist in Brussels" in messages(preview)[0]


def test_a_binary_file_is_refused(doctor):
    preview = slots_preview(doctor=doctor, data=b"PK\x03\x04\x14\x00\x06\x00binary")
    assert not preview.is_valid
    assert "not a CSV text file" in messages(preview)[0]


def test_a_file_over_the_size_limit_is_refused(doctor, settings):
    settings.MAX_UPLOAD_BYTES = 100
    preview = slots(doctor, SLOTS_HEADER + "2024-01-15T07:30,2024-01-15T10:00,recip-e,x\n" * 5)
    assert "too large" in messages(preview)[0]


def test_a_missing_column_is_reported_on_the_header_line(doctor):
    preview = consultations(doctor, "start,code,outcome\n2024-01-15T09:40,101076,cancelled\n")
    assert messages(preview) == [
        "line 1: The header row lacks the column(s) duration_minutes, services; it must "
        "name start, duration_minutes, code, services, outcome."
    ]


# --- the rows ------------------------------------------------------------------------------


def test_one_bad_row_writes_nothing_and_every_error_has_its_line(doctor):
    text = (
        CONSULTATIONS_HEADER
        + "2024-01-15T08:15,20,101076,31.81,recip-e,completed\n"
        + "2024-01-15T09:40,20,101076,,recip-x,cancelled\n"
        + "\n"
        + "2024-01-15T10:30,15,999999,,mycarenet,lost\n"
    )
    preview = consultations(doctor, text)
    assert not preview.is_valid
    assert messages(preview) == [
        "line 3, column services: Unknown service recip-x; use one of: chapter-iv, dmg, "
        "eattest, ehealth-auth, hubs, insurability, mycarenet, recip-e, tiers-payant, "
        "vaccinnet.",
        "line 5, column outcome: “lost” is not an outcome; use one of: completed, "
        "postponed, cancelled, unpaid.",
        "line 5, column fee: Code 999999 has no fee in the nomenclature table on "
        "15 January 2024: enter the fee.",
    ]
    assert [row.status for row in preview.rows] == ["new", "error", "error"]
    with pytest.raises(ValueError):
        preview.apply()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("2024-01-15T10:00,2024-01-15T09:00,recip-e,", "end", "The end must be after the start."),
        ("2024-01-15T08:00,2024-01-16T09:00,recip-e,", "end", "A slot lasts at most 24 hours"),
        ("2030-01-15T08:00,2030-01-15T09:00,recip-e,", "start", "This is in the future"),
        ("2024-01-15T08:00,2024-01-15T09:00,,", "services", "Name at least one service"),
        ("tomorrow,2024-01-15T09:00,recip-e,", "start", "is not a date and time"),
        ("2024-01-15,2024-01-15T09:00,recip-e,", "start", "is not a date and time"),
    ],
)
def test_each_slot_rule_names_its_column(doctor, row, column, message):
    preview = slots(doctor, SLOTS_HEADER + row + "\n")
    error = preview.errors[0]
    assert (error.line, error.column) == (2, column)
    assert message in error.message


def test_a_key_twice_in_one_file_is_an_error(doctor):
    text = (
        SLOTS_HEADER
        + "2024-01-15T07:30,2024-01-15T10:00,recip-e,a\n"
        + "2024-01-15T07:30,2024-01-15T10:00,mycarenet,b\n"
    )
    assert "appears twice in the file (first on line 2)" in messages(slots(doctor, text))[0]


def test_an_empty_fee_is_the_nomenclature_fee_on_that_day(doctor):
    text = CONSULTATIONS_HEADER + "2024-01-15T10:30,15,101496,,mycarenet,unpaid\n"
    consultations(doctor, text).apply()
    assert Consultation.objects.get().fee == Decimal("36.61")


def test_a_consultation_may_need_no_service(doctor):
    text = CONSULTATIONS_HEADER + "2024-01-15T10:30,15,101076,31.81,,completed\n"
    assert consultations(doctor, text).apply().created == 1


# --- upsert --------------------------------------------------------------------------------


def test_slots_are_upserted_by_start_and_end(doctor):
    make_slot(doctor, at(7, 30), at(10), ["recip-e"], note="old")
    make_slot(doctor, at(12), at(13), ["recip-e"])
    text = (
        SLOTS_HEADER
        + "2024-01-15T07:30,2024-01-15T10:00,recip-e;mycarenet,new note\n"
        + "2024-01-15T12:00,2024-01-15T13:00,recip-e,\n"
        + "2024-01-15T07:30,2024-01-15T10:30,recip-e,\n"
    )
    preview = slots(doctor, text)
    assert [row.status for row in preview.rows] == ["changed", "unchanged", "new"]
    assert preview.rows[0].changes == ["services", "note"]
    preview.apply()
    assert preview.summary() == "created 1, updated 1, unchanged 1"
    slot = AffectedSlot.objects.get(start=at(7, 30), end=at(10))
    assert slot.note == "new note"
    assert AffectedSlot.objects.count() == 3  # nothing is deleted


def test_consultations_are_upserted_by_start_and_code(doctor):
    make_consultation(doctor, at(9, 40), 20, "101076", "31.81", ["recip-e"], "completed")
    text = (
        CONSULTATIONS_HEADER
        + "2024-01-15T09:40,20,101076,31.81,recip-e,cancelled\n"
        + "2024-01-15T09:40,20,101496,,mycarenet,cancelled\n"
    )
    preview = consultations(doctor, text)
    assert [row.status for row in preview.rows] == ["changed", "new"]
    assert preview.rows[0].changes == ["outcome"]
    preview.apply()
    assert Consultation.objects.get(code="101076").outcome == "cancelled"


def test_an_import_never_touches_another_doctors_rows(doctor, other_doctor):
    make_slot(other_doctor, at(7, 30), at(10), ["recip-e"], note="theirs")
    preview = slots(doctor, SLOTS_HEADER + "2024-01-15T07:30,2024-01-15T10:00,recip-e,mine\n")
    assert preview.rows[0].status == "new"
    preview.apply()
    assert AffectedSlot.objects.get(doctor=other_doctor).note == "theirs"


# --- commands ------------------------------------------------------------------------------


def test_the_command_reports_each_bad_line_and_exits_non_zero(doctor, tmp_path):
    path = tmp_path / "slots.csv"
    path.write_text(
        SLOTS_HEADER
        + "2024-01-15T07:30,2024-01-15T10:00,recip-e,\n"
        + "2024-01-15T10:00,2024-01-15T09:00,recip-e,\n"
    )
    stderr = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call_command("import_slots", "--doctor", doctor.riziv, str(path), stderr=stderr)
    assert "line 3, column end: The end must be after the start." in stderr.getvalue()
    assert not AffectedSlot.objects.exists()


def test_the_command_dry_run_writes_nothing(doctor, tmp_path):
    path = tmp_path / "slots.csv"
    path.write_text(SLOTS_HEADER + "2024-01-15T07:30,2024-01-15T10:00,recip-e,\n")
    out = StringIO()
    call_command("import_slots", "--doctor", doctor.riziv, str(path), "--dry-run", stdout=out)
    assert out.getvalue().startswith("created 1, updated 0, unchanged 0")
    assert not AffectedSlot.objects.exists()


def test_the_command_refuses_an_unknown_doctor(db, tmp_path):
    path = tmp_path / "slots.csv"
    path.write_text(SLOTS_HEADER)
    with pytest.raises(CommandError, match="No doctor with RIZIV/INAMI number 1-23456-78-999"):
        call_command("import_slots", "--doctor", "12345678999", str(path))


# --- doctors -------------------------------------------------------------------------------


DOCTORS_HEADER = "riziv,first_name,last_name,email,language\n"


def test_doctors_are_created_without_a_password_and_upserted_by_riziv(db):
    text = DOCTORS_HEADER + "1-23456-78-004,Anne,Dupont,Anne.Dupont@example.org,fr\n"
    assert doctors_preview(data=text.encode()).apply().created == 1
    user = Doctor.objects.get(riziv="12345678004").user
    assert user.email == "anne.dupont@example.org" and not user.has_usable_password()
    again = doctors_preview(data=(text + "98765432101,Bart,Janssens,bart@example.org,\n").encode())
    assert [row.status for row in again.rows] == ["unchanged", "new"]
    renamed = DOCTORS_HEADER + "12345678004,Anne,Dupont-Martin,anne.dupont@example.org,nl\n"
    preview = doctors_preview(data=renamed.encode())
    assert preview.rows[0].changes == ["last_name", "language"]
    preview.apply()
    user.refresh_from_db()
    assert (user.last_name, user.language) == ("Dupont-Martin", "nl")


def test_a_doctor_row_with_another_accounts_email_or_bad_values_is_refused(db, other_doctor):
    text = (
        DOCTORS_HEADER
        + f"12345678004,Anne,Dupont,{other_doctor.user.email},fr\n"
        + "123,Bad,Riziv,bad@example.org,de\n"
    )
    preview = doctors_preview(data=text.encode())
    assert messages(preview) == [
        "line 2, column email: Another account already uses this e-mail address.",
        "line 3, column riziv: A RIZIV/INAMI number has 11 digits, for example 1-23456-78-901.",
        "line 3, column language: “de” is not a language; use fr, nl or en.",
    ]
    assert User.objects.count() == 1
