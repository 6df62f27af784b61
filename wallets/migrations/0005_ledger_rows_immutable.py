"""Ledger rows are written once. The models refuse updates and deletes; these
triggers make the database refuse them too, whoever connects.

UPDATE is refused on every backend. DELETE is refused on PostgreSQL only: SQLite's
test-database flush empties tables with DELETE, while PostgreSQL's uses TRUNCATE,
which row triggers do not see.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION wallets_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are immutable (% on %); post a reversing transaction instead', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ("wallets_ledgerentry", "wallets_ledgertransaction")


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    for table in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(PG_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION wallets_ledger_immutable()"
            )
        elif connection.vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable; post a reversing transaction instead'); END"
            )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    for table in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        elif connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable")
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS wallets_ledger_immutable()")


class Migration(migrations.Migration):
    dependencies = [("wallets", "0004_ledger_escrow_payouts")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
