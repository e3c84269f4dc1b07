"""Issue 21, "Layers" and "Import loops": the apps depend on each other one way only (the
order of DESIGN.md's layout), and no two modules import each other, also through imports
inside functions (a loop hidden by a late import is still a loop)."""

import ast
from collections import defaultdict
from pathlib import Path

import ukeoi

SOURCE = Path(ukeoi.__file__).parent

# What each app may import besides itself. Everything imports core; core imports no app.
# privacy erases and exports every app's data, so it sits above them; demo and the project
# modules (urls, api, settings) wire everything together.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "accounts": {"core"},
    "legal": {"accounts", "core"},
    "ledger": {"core"},
    # documents serves its archive in the web and the API (accounts' sign-in, T4).
    "documents": {"accounts", "core"},
    # jobs issues the receipts and fee invoices of client payments (T2).
    "jobs": {"accounts", "ledger", "documents", "core"},
    "payouts": {"accounts", "ledger", "core"},
    # contracts reads the payout calendar (L2: a milestone's payment date).
    "contracts": {"jobs", "payouts", "accounts", "ledger", "documents", "core"},
    "helpdesk": {"accounts", "core"},
    "withdrawal": {"contracts", "jobs", "payouts", "accounts", "ledger", "core"},
    "privacy": {"withdrawal", "helpdesk", "contracts", "jobs", "payouts", "accounts"}
    | {"legal", "ledger", "documents", "core"},
}


def _imports() -> dict[str, set[str]]:
    """Module name -> the ukeoi modules it imports (anywhere in the file)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found[module].update(n for n in names if n.startswith("ukeoi."))
    modules = set(found) | {
        ".".join(p.relative_to(SOURCE.parent).with_suffix("").parts) for p in SOURCE.rglob("*.py")
    }
    # `from ukeoi.jobs import services` names a module; `from ukeoi.jobs.x import f` does not.
    return {m: {n for n in names if n in modules and n != m} for m, names in found.items()}


def test_apps_import_only_the_apps_below_them() -> None:
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in _imports().items()
        for target in targets
        if "." in module
        and (app := module.split(".")[1]) in MAY_IMPORT
        and (other := target.split(".")[1]) != app
        and other not in MAY_IMPORT[app]
    )

    assert upward == []


def test_no_two_modules_import_each_other() -> None:
    imports = _imports()
    loops = sorted(
        f"{a} <-> {b}"
        for a, targets in imports.items()
        for b in targets
        if a < b
        and a in imports.get(b, set())
        # A package's __init__ re-exporting its own modules is not a loop.
        and not (b.startswith(f"{a}.") or a.startswith(f"{b}."))
    )

    assert loops == []
