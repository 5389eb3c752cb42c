"""The house as docs/architecture.md draws it (ADR 0031): the docs name every event type and
every subscriber, and every subscriber listens to a registered event."""

import re
from pathlib import Path

from husly.common import events
from husly.common.event_types import EVENT_TYPES

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def event_table() -> str:
    lines = ["| Event | What happened | Target | Payload | Subscribers |",
             "|---|---|---|---|---|"]
    for name in sorted(EVENT_TYPES):
        t = EVENT_TYPES[name]
        payload = ", ".join(f"`{k}`" for k in t.payload) or "–"
        subs = ", ".join(f"`{s.key.removeprefix('husly.')}`" for s in events.subscribers_of(name))
        lines.append(f"| `{name}` | {t.meaning} | `{t.target}` | {payload} | {subs or '–'} |")
    return "\n".join(lines)


def test_the_architecture_doc_shows_the_event_table_as_the_code_has_it():
    text = DOC.read_text()
    match = re.search(r"<!-- events:start -->\n(.*?)\n<!-- events:end -->", text, re.S)
    assert match, "docs/architecture.md lost its event table markers"
    expected = event_table()
    assert match.group(1) == expected, (
        "docs/architecture.md's event table is out of date; replace it with:\n" + expected)


def test_every_event_name_is_noun_dot_verb_and_every_subscriber_is_found():
    for name in EVENT_TYPES:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name
    keys = {s.key for name in EVENT_TYPES for s in events.subscribers_of(name)}
    # The by-name list follows people and housing: these four must be wired.
    assert {"husly.outcomes.subscribers.situation_of_new_resident",
            "husly.outcomes.subscribers.situation_changed",
            "husly.outcomes.subscribers.housed_by_tenancy",
            "husly.outcomes.subscribers.resettlement_after_unplanned_end"} <= keys


def test_no_two_apps_import_each_other_even_through_others():
    """The layers contract lets the top two layers import each other (":"); this keeps the
    whole graph free of cycles, and of imports of another app tucked inside a function."""
    from bench.import_graph import graph, strongly_connected

    # The control: a cycle through three apps is found
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]]
    edges, local = graph()
    assert "people" in edges["housing"], "the graph lost the imports it should see"
    assert strongly_connected(edges) == []
    # Django wants an app's start-up wiring inside AppConfig.ready()
    assert [(a, b) for a, b, path in local if path.name != "apps.py"] == []


def test_no_module_imports_husly_inside_a_function():
    """Within an app too: an import inside a function hides a cycle between modules."""
    import ast

    root = Path(__file__).resolve().parent.parent / "husly"
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or path.name == "apps.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found += [f"{path.relative_to(root)}:{inner.lineno}" for inner in ast.walk(node)
                          if isinstance(inner, ast.ImportFrom) and inner.level == 0
                          and (inner.module or "").startswith("husly")]
    assert found == []
