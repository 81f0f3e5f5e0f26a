import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onewindow.catalog.actions import CatalogueError, do_import_catalogue
from onewindow.catalog.interchange import dump, export_catalogue, load_file
from onewindow.core.i18n import OperatorCommand


class Command(OperatorCommand):
    help = gettext_lazy("以一个 YAML 或 JSON 文件导入或导出整个事项目录。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help=_("导入事项目录文件；要么全部导入，要么都不导入。"))
        imp.add_argument("file")
        imp.add_argument("--check", action="store_true", help=_("只校验，不写入。"))
        exp = sub.add_parser("export", help=_("导出部门和已发布的事项。"))
        exp.add_argument(
            "file", nargs="?", help=_("输出文件（.yaml 或 .json）；省略时写到标准输出。")
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
                ngettext(
                    "共 %(count)d 处错误，未导入任何内容",
                    "共 %(count)d 处错误，未导入任何内容",
                    len(exc.errors),
                )
                % {"count": len(exc.errors)},
                returncode=1,
            ) from None
        self.stdout.write(" ".join(f"{k}={v}" for k, v in summary.items()))

    def _export(self, path, fmt):
        fmt = fmt or ("json" if path and path.lower().endswith(".json") else "yaml")
        text = dump(export_catalogue(), fmt)
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(_("已导出到 %(path)s") % {"path": path})
        else:
            sys.stdout.write(text)
