"""A GIN index for full-text search over comments on PostgreSQL.

The expression is built from the same SearchVector the API's comment search uses
(deliberation/api/filters.py), so the planner can match it. Other databases search
with a plain scan and get no index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "comment_body_search_idx"


def _index():
    return GinIndex(SearchVector("body", config="english"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("deliberation", "Comment"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0002_roles")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
