"""The review list sorted by doctor walks one index of the claims table (issue 13): each
claim carries a copy of its doctor's name, which the database itself keeps (triggers), so
that no path that renames a user (a service, an import, the admin, a queryset
``update()``) can leave a claim sorted under an old name:

- a claim written (inserted, or updated in any way) takes its doctor's current name;
- a user renamed (or inserted), or a doctor pointed at another user (or inserted),
  rewrites the copies of that doctor's claims (foreign keys are checked at commit, so
  ``loaddata`` may write a claim before its doctor).

On PostgreSQL the claim's trigger reads the user row ``FOR SHARE``: a claim written while
its doctor is being renamed by another transaction waits for that rename and takes the
new name (READ COMMITTED), and a rename waits for the claims being written, whose rows it
then rewrites; writes of other doctors are not held up.

The sort indexes also carry the columns the list filters on, so a typed page number's
OFFSET is an index-only scan; the "most lost time" sort, which had no index, gets one.

Filling the copies rewrites every claim once: on PostgreSQL the table then holds about
twice its pages until ``VACUUM FULL claims_claim`` (seconds at 40,000 claims; it locks
the table, so it is left to the operator) or until the free space is reused.
"""

from django.db import migrations, models

POSTGRESQL = [
    """
CREATE OR REPLACE FUNCTION claims_claim_doctor_name() RETURNS trigger AS $$
DECLARE
    name record;
BEGIN
    SELECT u.last_name, u.first_name INTO name
      FROM claims_doctor d JOIN claims_user u ON u.id = d.user_id
     WHERE d.id = NEW.doctor_id
       FOR SHARE OF u;
    -- Not found: a doctor or user inserted later in this transaction (foreign keys are
    -- checked at commit, loaddata writes in any order); their own triggers come back.
    IF FOUND THEN
        NEW.doctor_last_name := name.last_name;
        NEW.doctor_first_name := name.first_name;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER claims_claim_doctor_name BEFORE INSERT OR UPDATE ON claims_claim "
    "FOR EACH ROW EXECUTE FUNCTION claims_claim_doctor_name()",
    """
CREATE OR REPLACE FUNCTION claims_user_named() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.last_name IS NOT DISTINCT FROM OLD.last_name
       AND NEW.first_name IS NOT DISTINCT FROM OLD.first_name THEN
        RETURN NULL;
    END IF;
    UPDATE claims_claim SET doctor_id = doctor_id
     WHERE doctor_id IN (SELECT id FROM claims_doctor WHERE user_id = NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER claims_user_named AFTER INSERT OR UPDATE OF last_name, first_name "
    "ON claims_user FOR EACH ROW EXECUTE FUNCTION claims_user_named()",
    """
CREATE OR REPLACE FUNCTION claims_doctor_user() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
        RETURN NULL;
    END IF;
    UPDATE claims_claim SET doctor_id = doctor_id WHERE doctor_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER claims_doctor_user AFTER INSERT OR UPDATE OF user_id ON claims_doctor "
    "FOR EACH ROW EXECUTE FUNCTION claims_doctor_user()",
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS claims_claim_doctor_name ON claims_claim",
    "DROP TRIGGER IF EXISTS claims_user_named ON claims_user",
    "DROP TRIGGER IF EXISTS claims_doctor_user ON claims_doctor",
    "DROP FUNCTION IF EXISTS claims_claim_doctor_name()",
    "DROP FUNCTION IF EXISTS claims_user_named()",
    "DROP FUNCTION IF EXISTS claims_doctor_user()",
]

# SQLite: a BEFORE trigger cannot set NEW's columns, so the claim's row is rewritten after
# it is written (recursive triggers are off: that rewrite fires no trigger of its own).
_SQLITE_NAME = (
    "COALESCE((SELECT u.{column} FROM claims_doctor d JOIN claims_user u ON u.id = d.user_id "
    "WHERE d.id = NEW.doctor_id), doctor_{column})"
)
_SQLITE_COPY = (
    f"UPDATE claims_claim SET doctor_last_name = {_SQLITE_NAME.format(column='last_name')}, "
    f"doctor_first_name = {_SQLITE_NAME.format(column='first_name')} WHERE id = NEW.id;"
)
_SQLITE_TOUCH_USER = (
    "UPDATE claims_claim SET doctor_id = doctor_id "
    "WHERE doctor_id IN (SELECT id FROM claims_doctor WHERE user_id = NEW.id);"
)
_SQLITE_TOUCH_DOCTOR = "UPDATE claims_claim SET doctor_id = doctor_id WHERE doctor_id = NEW.id;"
SQLITE = [
    f"CREATE TRIGGER claims_claim_doctor_name_insert AFTER INSERT ON claims_claim "
    f"BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER claims_claim_doctor_name_update AFTER UPDATE ON claims_claim "
    f"BEGIN {_SQLITE_COPY} END",
    f"CREATE TRIGGER claims_user_named_insert AFTER INSERT ON claims_user "
    f"BEGIN {_SQLITE_TOUCH_USER} END",
    "CREATE TRIGGER claims_user_named_update AFTER UPDATE OF last_name, first_name "
    "ON claims_user WHEN OLD.last_name IS NOT NEW.last_name "
    f"OR OLD.first_name IS NOT NEW.first_name BEGIN {_SQLITE_TOUCH_USER} END",
    f"CREATE TRIGGER claims_doctor_user_insert AFTER INSERT ON claims_doctor "
    f"BEGIN {_SQLITE_TOUCH_DOCTOR} END",
    "CREATE TRIGGER claims_doctor_user_update AFTER UPDATE OF user_id ON claims_doctor "
    f"WHEN OLD.user_id IS NOT NEW.user_id BEGIN {_SQLITE_TOUCH_DOCTOR} END",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "claims_claim_doctor_name_insert",
        "claims_claim_doctor_name_update",
        "claims_user_named_insert",
        "claims_user_named_update",
        "claims_doctor_user_insert",
        "claims_doctor_user_update",
    )
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement, params=None)
    # The claims already there: the triggers copy the name on any update.
    schema_editor.execute("UPDATE claims_claim SET doctor_id = doctor_id")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    for statement in POSTGRESQL_REMOVE if vendor == "postgresql" else SQLITE_REMOVE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0010_membership_job_and_review_sort_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='claim',
            name='claim_submitted_order',
        ),
        migrations.RemoveIndex(
            model_name='claim',
            name='claim_total_order',
        ),
        migrations.RemoveIndex(
            model_name='claim',
            name='claim_period_order',
        ),
        migrations.AddField(
            model_name='claim',
            name='doctor_first_name',
            field=models.CharField(blank=True, default='', editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name='claim',
            name='doctor_last_name',
            field=models.CharField(blank=True, default='', editable=False, max_length=150),
        ),
        migrations.RunPython(install, remove),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['submitted_at', 'id'], include=('status', 'period_start', 'period_end', 'total'), name='claim_submitted_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['total', 'id'], include=('status', 'period_start', 'period_end'), name='claim_total_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['period_start', 'period_end', 'id'], include=('status', 'total'), name='claim_period_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['lost_minutes', 'id'], include=('status', 'period_start', 'period_end', 'total'), name='claim_lost_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['doctor_last_name', 'doctor_first_name', 'id'], include=('status', 'period_start', 'period_end', 'total'), name='claim_doctor_name_order'),
        ),
    ]
