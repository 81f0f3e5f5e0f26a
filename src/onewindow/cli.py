"""The `onewindow` command: a thin wrapper over Django's manage.py.

`onewindow serve`, `onewindow demo`, `onewindow workdays …` and every Django management command.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    # A test run at a chosen moment (ONEWINDOW_TEST_NOW) reaches the workers and servers it starts
    # through this entry point; see core/testclock.py.
    from onewindow.core import testclock

    try:
        testclock.start_from_environment()
    except (ValueError, ImportError) as exc:
        sys.exit(f"onewindow: {testclock.NOW_VARIABLE}: {exc}")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "onewindow"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
