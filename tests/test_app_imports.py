"""Apps import each other in one direction only, at module level.

`cases` is under `delivery`, `notifications` and the apps to come: they import it, so it must not
import them back when its modules load (issue 10 §7; docs/notifications.md "Who imports whom").
Where a case step starts another app's work, cases sends a signal or asks for a page part
(cases/hooks.py). These tests read the source with `ast`: an import inside a function runs when
it is called, not when the module loads, and is not counted; one in a class body is.
"""

import ast
from pathlib import Path

import onewindow

SOURCE = Path(onewindow.__file__).parent
APPS = sorted(
    path.name
    for path in SOURCE.iterdir()
    if path.is_dir() and (path / "__init__.py").exists() and (path / "apps.py").exists()
)


def _module_level_imports(tree):
    """Names imported when the module loads: the module's body and class bodies, into `if` and
    `try` blocks, but not into functions."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            # `from onewindow import delivery` imports the app as well.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        else:
            pending.extend(ast.iter_child_nodes(node))


def _app_of(module):
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "onewindow" and parts[1] in APPS:
        return parts[1]
    return None


# Entry points, loaded by the command runner or the root URLconf and never imported by an app's
# code: they may use any app, like the project's urls.py. core/views.py is the site's home page.
ENTRY_POINTS = {Path("core/views.py")}


def _imports_by_module(app, *, entry_points=True):
    for path in sorted((SOURCE / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # loaded by the migration executor, never by another app's code
        relative = path.relative_to(SOURCE)
        if not entry_points and ("commands" in path.parts or relative in ENTRY_POINTS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        yield relative, set(_module_level_imports(tree))


def _app_graph():
    graph = {app: set() for app in APPS}
    for app in APPS:
        for _path, modules in _imports_by_module(app, entry_points=False):
            graph[app] |= {_app_of(m) for m in modules} - {None, app}
    return graph


def test_the_apps_are_found():
    assert {"cases", "delivery", "notifications", "core", "accounts", "catalog"} <= set(APPS)


def test_cases_does_not_import_delivery_at_module_level():
    offenders = [
        f"{path}: {module}"
        for path, modules in _imports_by_module("cases")
        for module in sorted(modules)
        if _app_of(module) == "delivery"
    ]
    assert offenders == []


def test_notifications_imports_no_domain_app_at_module_level():
    """Everyone calls notifications; it uses only the shared pieces (core, accounts)."""
    assert _app_graph()["notifications"] <= {"core", "accounts"}


def test_no_import_cycle_between_apps_at_module_level():
    graph = _app_graph()
    cycles = []

    def visit(app, path):
        for other in sorted(graph[app]):
            if other == path[0]:
                cycles.append(" → ".join([*path, other]))
            elif other not in path and other > path[0]:
                visit(other, [*path, other])

    for app in APPS:
        visit(app, [app])
    assert cycles == []


def test_the_checker_sees_an_import_in_a_class_body_and_not_in_a_function():
    tree = ast.parse(
        "import onewindow.core\n"
        "class A:\n    from onewindow.delivery import models\n"
        "def f():\n    from onewindow.kiosk import views\n"
        "try:\n    from onewindow.catalog.models import Department\nexcept ImportError:\n    pass\n"
    )
    apps = {_app_of(m) for m in _module_level_imports(tree)} - {None}
    assert apps == {"core", "delivery", "catalog"}
