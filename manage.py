#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # manage.py is the developer's tool: without a DEBUG of its own it runs in development
    # mode, so `python manage.py import_outages ...` works in a fresh clone. The WSGI and
    # ASGI apps keep the safe default (DEBUG off, SECRET_KEY required); production sets
    # DEBUG=false for its commands too, and `check --deploy` reports it when it does not.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
