"""The language of whoever reads a command's output at a terminal.

Pages take the reader's language from the language switch or Accept-Language; a command has no
request, so it reads the terminal's locale, as gettext does: the first of LANGUAGE, LC_ALL,
LC_MESSAGES and LANG that is set. An English locale (en_US.UTF-8, en:…) gives English; anything
else (zh_CN.UTF-8, C.UTF-8, unset) gives the site's default, Chinese.

Only commands whose output is read by an operator use it (OperatorCommand): workers and servers
keep the default, so that what they render for others does not depend on the shell that
started them.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def terminal_language(environ=None):
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").split(":")[0].strip()
        if value:
            return "en" if value.lower().startswith("en") else settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


class OperatorCommand(BaseCommand):
    """A management command whose help, messages and errors are in the terminal's language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse wants plain strings: `help` (lazy, at class level) is made one here, and
        # add_arguments() runs inside, so that its gettext() calls read the terminal's language.
        with translation.override(terminal_language()):
            self.help = str(self.help)
            return super().create_parser(prog_name, subcommand, **kwargs)

    def run_from_argv(self, argv):
        # The help and the usage errors are printed while parsing, before execute().
        with translation.override(terminal_language()):
            return super().run_from_argv(argv)

    def execute(self, *args, **options):
        with translation.override(terminal_language()):
            return super().execute(*args, **options)
