import os
import subprocess

from django.core.management.base import CommandError


def postgres_command(settings_dict, command, *, database_flag=False):
    """Run a PostgreSQL client program with the credentials of a Django database."""
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    name = settings_dict["NAME"]
    args = [*command, "--dbname", name] if database_flag else [*command, name]
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise CommandError(
            f"{command[0]} is not installed (apt-get install postgresql-client)"
        ) from error
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")
