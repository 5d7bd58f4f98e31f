"""The database cache's table, so that `migrate` is all a new site needs for shared rate limits.

Runs Django's `createcachetable` for every DatabaseCache in CACHES that routes to the database
being migrated (nothing to do with Redis or local-memory caches; a table that already exists is
left alone). A cache added or renamed later needs `manage.py createcachetable`.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import migrations, router


def _database_caches(database: str) -> list[BaseDatabaseCache]:
    found = [caches[alias] for alias in settings.CACHES]
    return [
        cache
        for cache in found
        if isinstance(cache, BaseDatabaseCache)
        and router.allow_migrate_model(database, cache.cache_model_class)
    ]


def cache_tables_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def cache_tables_drop(apps, schema_editor):
    for cache in _database_caches(schema_editor.connection.alias):
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(cache._table)}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [migrations.RunPython(cache_tables_create, cache_tables_drop, elidable=False)]
