"""On PostgreSQL, refuse UPDATE and DELETE on the access log in the database itself.

The app has no update or delete path; this stops one being added by mistake, or a
direct SQL session changing the record. SQLite (local runs) gets the same with triggers.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION organisation_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisation_access_log_append_only
    BEFORE UPDATE OR DELETE ON organisation_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION organisation_access_log_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS organisation_access_log_append_only ON organisation_accesslogentry;
DROP FUNCTION IF EXISTS organisation_access_log_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER organisation_access_log_no_update BEFORE UPDATE ON
    organisation_accesslogentry BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;""",
    """CREATE TRIGGER organisation_access_log_no_delete BEFORE DELETE ON
    organisation_accesslogentry BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS organisation_access_log_no_update;",
    "DROP TRIGGER IF EXISTS organisation_access_log_no_delete;",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
