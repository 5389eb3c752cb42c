"""Sum up one run of run.sh: schemathesis per role, sqlmap, and the server's own 500s.

    python summarize.py OUT_DIR

Reads OUT_DIR/st-ROLE.txt and .xml (schemathesis), OUT_DIR/sqlmap-summary.json,
OUT_DIR/server.log and OUT_DIR/phases.txt (the server log's line range for each phase);
writes OUT_DIR/summary.md and OUT_DIR/server-errors.txt. Standard library only.
Exit 1 if any check failed (a server error anywhere, an injectable or untested parameter).
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def server_errors(lines: list[str]) -> list[dict]:
    """Each 500 in the server log: the request, the exception and the app's frame."""
    errors, current = [], None
    for line in lines:
        match = re.search(r"ERROR django\.request Internal Server Error: (.*)$", line)
        if match:
            current = {"path": match.group(1), "traceback": [], "frame": "", "exception": ""}
            continue
        if current is None:
            continue
        access = re.search(r'"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) HTTP/[\d.]+" 500 ',
                           line)
        if access:
            current["method"], current["request"] = access.group(1), access.group(2)
            errors.append(current)
            current = None
            continue
        current["traceback"].append(line.rstrip())
        frame = re.search(r'File "[^"]*/(husly/[^"]+)", line (\d+), in (\w+)', line)
        if frame:
            current["frame"] = f"{frame.group(1)}:{frame.group(2)} ({frame.group(3)})"
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Overflow\w*)\b.*", line):
            current["exception"] = line.strip()
    return errors


def schemathesis(out: Path) -> list[dict]:
    rows = []
    for text_file in sorted(out.glob("st-*.txt")):
        role = text_file.stem[3:]
        text = text_file.read_text()
        generated = re.search(r"(\d+) generated", text)
        server = re.search(r"ST101 Server error: (\d+)", text)
        xml = text_file.with_suffix(".xml")
        failing = []
        operations = 0
        if xml.exists():
            suite = ET.parse(xml).getroot()
            for case in suite.iter("testcase"):
                operations += case.get("name") != "Stateful tests"
                if case.find("failure") is not None:
                    failing.append(case.get("name"))
        rows.append({
            "role": role, "operations": operations,
            "cases": int(generated.group(1)) if generated else 0,
            "server_errors": int(server.group(1)) if server else 0,
            "failing": failing,
            "finished": "SUMMARY" in text,
        })
    return rows


def main() -> int:
    out = Path(sys.argv[1])
    log = (out / "server.log").read_text(errors="replace").splitlines() \
        if (out / "server.log").exists() else []
    phases = {}
    if (out / "phases.txt").exists():
        for line in (out / "phases.txt").read_text().split("\n"):
            if line.strip():
                name, start, end = line.split()
                phases[name] = (int(start), int(end))
    lines = [f"# Security checks: {out.name}", ""]
    info = out / "info.txt"
    if info.exists():
        lines += ["```", info.read_text().strip(), "```", ""]
    failed = False

    st = schemathesis(out)
    if st:
        lines += ["## schemathesis (check not_a_server_error)", "",
                  "| role | operations | test cases | server errors (ST101) | failing operations |",
                  "| --- | ---: | ---: | ---: | --- |"]
        for r in st:
            lines.append(f"| {r['role']} | {r['operations']} | {r['cases']} | "
                         f"{r['server_errors']} | {'; '.join(r['failing']) or '–'} |")
            failed |= bool(r["server_errors"]) or not r["finished"]
        lines.append("")

    summary_file = out / "sqlmap-summary.json"
    if summary_file.exists():
        sq = json.loads(summary_file.read_text())
        lines += ["## sqlmap", "", (out / "sqlmap-summary.md").read_text().strip(), ""]
        failed |= bool(sq["injectable"] or sq["not_tested"] or sq["uncovered"])

    lines += ["## HTTP 500 in the server log", ""]
    all_errors = []
    for name, (start, end) in phases.items():
        errors = server_errors(log[start:end])
        all_errors += [(name, e) for e in errors]
        lines.append(f"- {name}: {len(errors)}")
        failed |= bool(errors)
    groups: dict[tuple, list] = {}
    for name, e in all_errors:
        groups.setdefault((e["frame"], e["exception"]), []).append((name, e))
    for (frame, exception), items in groups.items():
        requests = sorted({f"{e['method']} {e['request']}" for _n, e in items})
        lines.append(f"  - {len(items)}× `{exception}` at `{frame}`: "
                     + ", ".join(f"`{r}`" for r in requests[:5])
                     + (" …" if len(requests) > 5 else ""))
    with (out / "server-errors.txt").open("w") as f:
        for name, e in all_errors:
            f.write(f"== {name}: {e['method']} {e['request']}\n")
            f.write("\n".join(e["traceback"]) + "\n\n")
    lines.append("")
    lines.append("Result: " + ("FAILED (see above)" if failed else "passed"))
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
