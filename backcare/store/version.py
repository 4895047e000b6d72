"""The schema version and application id, without importing the migrations.

Opening a diary that is already current needs only these two numbers; the migrations (and
sqlite-utils, which loads pandas and numpy when they are installed) are imported only when a
migration is pending. tests/test_cli_lean.py pins SCHEMA_VERSION to the number of migrations.
"""

APPLICATION_ID = 0x42434B31  # "BCK1": marks a SQLite file as a backcare database
SCHEMA_VERSION = 5  # == len(schema.migrations._migrations): bump with every new migration
