"""How easy the code is to change, in numbers (issue 22's before/after).

    python tools/code_metrics.py            # a table
    python tools/code_metrics.py --json     # the same, machine-readable
    python tools/code_metrics.py --detail   # which functions, modules and loops

Counts, over the packages etl, dashboard and corridor:
- functions taking a language string: a parameter named ``lang`` or ``language``;
- the largest module (lines);
- functions over 80 lines (from ``def`` to the last line of the body);
- import loops: pairs of modules that import each other, imports inside functions included;
- modules missing from the docs: a module whose dotted or slashed path appears nowhere in the
  README or ``docs/``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("etl", "dashboard", "corridor")
LANG_NAMES = {"lang", "language"}
LONG_FUNCTION = 80


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the three packages."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _imported(name: str, tree: ast.AST, known: set[str]) -> set[str]:
    """Modules of the project this module imports, anywhere in its body."""
    package = name.rsplit(".", 1)[0] if "." in name else name
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    out.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    out.add(full)
                elif base in known:
                    out.add(base)
    out.discard(name)
    return out


def measure(root: Path = ROOT) -> dict[str, object]:
    mods = modules(root)
    known = set(mods)
    lang_functions: list[str] = []
    long_functions: list[str] = []
    sizes: dict[str, int] = {}
    imports: dict[str, set[str]] = {}
    for name, path in mods.items():
        text = path.read_text(encoding="utf-8")
        sizes[name] = len(text.splitlines())
        tree = ast.parse(text)
        for fn in _functions(tree):
            args = fn.args
            params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            if LANG_NAMES & set(params):
                lang_functions.append(f"{name}.{fn.name}")
            length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if length > LONG_FUNCTION:
                long_functions.append(f"{name}.{fn.name} ({length})")
        imports[name] = _imported(name, tree, known)
    loops = sorted(
        f"{a} <-> {b}" for a in imports for b in imports[a] if a < b and a in imports.get(b, set())
    )
    docs_text = (root / "README.md").read_text(encoding="utf-8")
    for doc in sorted((root / "docs").rglob("*.md")):
        docs_text += doc.read_text(encoding="utf-8")
    missing = []
    for name, path in mods.items():
        rel = path.relative_to(root).as_posix()
        if path.name == "__init__.py":
            continue
        # Before the one-line-per-module table, the README named modules by file name inside
        # their package's row (`extract.py`); either form counts as named.
        if rel not in docs_text and name not in docs_text and f"`{path.name}`" not in docs_text:
            missing.append(rel)
    largest = max(sizes, key=lambda k: sizes[k])
    return {
        "modules": len(mods),
        "functions_taking_language": len(lang_functions),
        "modules_with_language_parameter": len({f.rsplit(".", 1)[0] for f in lang_functions}),
        "largest_module": f"{mods[largest].relative_to(root).as_posix()} ({sizes[largest]} lines)",
        "modules_over_600_lines": sum(1 for v in sizes.values() if v > 600),
        "functions_over_80_lines": len(long_functions),
        "import_loops": len(loops),
        "modules_missing_from_docs": len(missing),
        "detail": {
            "functions_taking_language": lang_functions,
            "functions_over_80_lines": long_functions,
            "import_loops": loops,
            "modules_missing_from_docs": missing,
            "modules_over_600_lines": sorted(
                f"{mods[k].relative_to(root).as_posix()} ({v})" for k, v in sizes.items() if v > 600
            ),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--detail", action="store_true")
    args = parser.parse_args(argv)
    result = measure()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    for key, value in result.items():
        if key != "detail":
            print(f"{key:34} {value}")
    if args.detail:
        for key, items in result["detail"].items():  # type: ignore[union-attr]
            print(f"\n{key}:")
            for item in items:
                print(f"  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
