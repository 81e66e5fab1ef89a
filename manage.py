#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from config.startup import database_check, exit_if_database_missing

    if sys.argv[1:2] == ["runserver"]:
        # runserver first connects in a thread of its autoreloader, where an error prints
        # its traceback and the server waits on for a code change: check before that.
        database_check()
    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        exit_if_database_missing(error)
        raise


if __name__ == "__main__":
    main()
