#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
    # A bare checkout's commands (makemigrations, shell) run in development mode. Anything
    # configured (DEBUG or SECRET_KEY set) is read as it is, and the servers (wsgi, asgi)
    # still refuse to start without SECRET_KEY.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
