"""The figures of issue 18: how the apps import each other.

    .venv/bin/python bench/import_graph.py

Prints the app-level import edges that form cycles (strongly connected components), the
pairs of apps that import each other, and the imports of another Husly app made inside a
function (the usual way to dodge a circular import), outside `demo/` and in all. Reads the
source with `ast`; imports nothing of Husly."""

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "husly"


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "husly" else None


def _imports(tree: ast.AST):
    """(module imported, inside a function?) for every import of a husly module."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module == "husly":
                    for alias in child.names:
                        yield f"husly.{alias.name}", in_function
                else:
                    yield child.module, in_function
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, in_function
            yield from walk(child, inner)
    yield from walk(tree, False)


def graph():
    edges: dict[str, set[str]] = defaultdict(set)
    local = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        app = path.relative_to(ROOT).parts[0]
        if app.endswith(".py"):
            continue
        for module, in_function in _imports(ast.parse(path.read_text())):
            other = _app(module)
            if other is None or other == app:
                continue
            edges[app].add(other)
            if in_function:
                local.append((app, other, path.relative_to(ROOT.parent)))
    return edges, local


def strongly_connected(edges):
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]
    nodes = set(edges) | {b for bs in edges.values() for b in bs}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def main():
    edges, local = graph()
    components = strongly_connected(edges)
    mutual = sorted({tuple(sorted((a, b))) for a, bs in edges.items() for b in bs
                     if a in edges.get(b, ())})
    print(f"apps in an import cycle: {sum(len(c) for c in components)} "
          f"({'; '.join(', '.join(c) for c in components) or 'none'})")
    print(f"pairs of apps importing each other: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    outside_demo = [x for x in local if x[0] != "demo"]
    print(f"imports of another app inside a function: {len(local)} "
          f"({len(outside_demo)} outside demo/)")


if __name__ == "__main__":
    main()
