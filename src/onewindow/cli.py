"""The `onewindow` command: a thin wrapper over Django's manage.py.

`onewindow serve`, `onewindow demo`, `onewindow workdays …` and every Django management command.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "onewindow"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
