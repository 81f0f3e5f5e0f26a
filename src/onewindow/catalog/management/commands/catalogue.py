import sys

from django.core.management.base import BaseCommand, CommandError

from onewindow.catalog.actions import CatalogueError, do_import_catalogue
from onewindow.catalog.interchange import dump, export_catalogue, load_file


class Command(BaseCommand):
    help = (
        "Import or export the whole service catalogue as one YAML or JSON file (事项目录导入导出)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Import a catalogue file; all or nothing.")
        imp.add_argument("file")
        imp.add_argument("--check", action="store_true", help="Only validate; write nothing.")
        exp = sub.add_parser("export", help="Export departments and published items.")
        exp.add_argument(
            "file", nargs="?", help="Output file (.yaml or .json); stdout when omitted."
        )
        exp.add_argument("--format", choices=["yaml", "json"], default=None)

    def handle(self, *args, subcommand, **options):
        if subcommand == "import":
            return self._import(options["file"], check_only=options["check"])
        return self._export(options.get("file"), options.get("format"))

    def _import(self, path, *, check_only):
        try:
            data = load_file(path)
            if check_only:
                from onewindow.catalog.interchange import validate_catalogue

                errors = validate_catalogue(data)
                if errors:
                    raise CatalogueError(errors)
                self.stdout.write(f"{path}: OK")
                return
            summary = do_import_catalogue(data)
        except CatalogueError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s); nothing was imported / 共 {len(exc.errors)} 处错误，未导入任何内容",
                returncode=1,
            ) from None
        self.stdout.write(" ".join(f"{k}={v}" for k, v in summary.items()))

    def _export(self, path, fmt):
        fmt = fmt or ("json" if path and path.lower().endswith(".json") else "yaml")
        text = dump(export_catalogue(), fmt)
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"exported to {path}")
        else:
            sys.stdout.write(text)
