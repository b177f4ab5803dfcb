"""An index for "latest votes" (newest first): without it the home page's recent
activity sorts every vote row. Created with the schema editor so the models stay as
they are; a plain B-tree, on every database."""

from django.db import migrations, models

INDEX_NAME = "vote_updated_id_idx"


def _index():
    return models.Index(models.F("updated").desc(), models.F("id").desc(), name=INDEX_NAME)


def create_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("deliberation", "Vote"), _index())


def drop_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("deliberation", "Vote"), _index())


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0003_comment_search_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
