"""On SQLite, drop the trigger that refused DELETE on the access log.

SQLite is the embedded database of local runs and tests, where emptying tables between
tests (Django's flush) is a DELETE. PostgreSQL, the production database, still refuses
both UPDATE and DELETE (its flush is a TRUNCATE, which no row trigger sees); UPDATE
stays refused on SQLite too, and the app has no path to either.
"""

from django.db import migrations

DROP = "DROP TRIGGER IF EXISTS organisation_access_log_no_delete;"
RECREATE = """CREATE TRIGGER organisation_access_log_no_delete BEFORE DELETE ON
    organisation_accesslogentry BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(RECREATE)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0003_organisation_ons_area_code")]

    operations = [migrations.RunPython(forward, backward)]
