"""The audit trail and the frozen earlier versions of claims are evidence: on PostgreSQL the
database itself refuses to UPDATE or DELETE their rows, whoever asks (the ORM refuses too,
but a raw query by the application's own role would not). TRUNCATE, which only the test
suite's flush uses, is not a row change and stays possible. SQLite has no such guard."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION claims_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ("claims_auditentry", "claims_claimversion")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # its % are PL/pgSQL's, not placeholders
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION claims_refuse_change()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS claims_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_review")]

    operations = [migrations.RunPython(install, remove)]
