"""API tokens used to be DRF's authtoken, kept in plain text. They are hashed now (knox);
the old table, if an earlier version left one, goes with every key it held."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0004_vote_recent_index"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
