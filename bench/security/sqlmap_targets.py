"""Run sqlmap against every search and filter parameter of a running Husly.

    python sqlmap_targets.py --base http://127.0.0.1:8765 --src SOURCE_DIR --out OUT_DIR
                             [--level 2] [--risk 1]

Standard library only; needs `sqlmap` on PATH (Debian package `sqlmap`).

Each parameter gets its own sqlmap run, pinned with -p, so sqlmap never fuzzes the session
cookie, the CSRF token or any other parameter, and only the listed URLs are requested: no
crawling, so no logout link and no form that changes data. The page lists are requested
the way htmx requests them (HX-Request/HX-Target headers) where the view answers with the
result fragment only: that fragment has no per-request CSRF token, so sqlmap's comparison
of true and false answers is exact. The resident search is also tested as a plain form
POST, whose redirect makes the search run again from the session (second order).

Coverage guard: the parameters read from request.GET in SOURCE_DIR/husly/*/views.py (and the
fields of forms bound to request.GET), and the query parameters of the GET operations in
the OpenAPI spec, must all be targeted; any that is not is reported as uncovered and the
script exits 3. Exit 2 if any parameter is injectable or a target could not be tested.

Writes OUT_DIR/sqlmap/*.log (sqlmap's output), *.traffic (every request and response),
OUT_DIR/sqlmap-summary.json and OUT_DIR/sqlmap-summary.md.
"""

import argparse
import contextlib
import datetime
import html
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from login import DEMO_PASSWORD  # noqa: E402

# Parameters that are not search or filter parameters and are deliberately left out.
# (none at present: the login page's `next` is tested too, as a public GET parameter)
NOT_FILTERS: set[str] = set()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A signed-in staff member: urllib with the session and CSRF cookies."""

    def __init__(self, base: str, username: str | None, two_factor: bool = False):
        self.base, self.username, self.two_factor = base, username, two_factor
        self.cookies: dict[str, str] = {}
        if username:
            self.login()

    def login(self):
        out = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("login.py")), self.base,
             self.username, DEMO_PASSWORD] + (["--two-factor"] if self.two_factor else []),
            capture_output=True, text=True, check=True)
        values = dict(line.split("=", 1) for line in out.stdout.split())
        self.cookies = {"sessionid": values["SESSIONID"], "csrftoken": values["CSRFTOKEN"]}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, str]:
        request = urllib.request.Request(self.base + path, headers={
            **({"Cookie": self.cookie_header} if self.cookies else {}), **(headers or {})})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace"), ""
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace"), exc.headers.get("Location", "")


def coverage_expected(src: Path, spec: dict) -> set[str]:
    """Every GET parameter the views read, and every query parameter of the API."""
    names: set[str] = set()
    for views in sorted(src.glob("husly/**/*.py")):
        if "migrations" in views.parts:
            continue
        text = views.read_text()
        for match in re.finditer(r'request\.GET\.get\(\s*["\'](\w+)["\']', text):
            names.add(f"page:{match.group(1)}")
        for match in re.finditer(r"request\.GET\[\s*[\"'](\w+)[\"']\s*\]", text):
            names.add(f"page:{match.group(1)}")
        for match in re.finditer(r"(\w+Form)\(\s*request\.GET\b", text):
            form = match.group(1)
            body = None
            for forms_py in sorted(src.glob("husly/*/forms.py")):
                body = body or re.search(rf"^class {form}\(.*?(?=^class |\Z)",
                                         forms_py.read_text(), re.S | re.M)
            if body is None:
                names.add(f"page:?{form}")  # a form bound to GET whose fields were not found
                continue
            for field in re.finditer(r"^    (\w+) = forms\.\w+", body.group(0), re.M):
                names.add(f"page:{field.group(1)}")
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    names.add(f"api:{method.upper()} {path}?{parameter['name']}")
    return names - NOT_FILTERS


def verdict(output: str, param: str) -> dict:
    # sqlmap's own final word: a candidate ("appears to be ... injectable") that its
    # false-positive check then rejects ends in "does not seem to be injectable".
    injectable = "identified the following injection point" in output
    candidates = len(re.findall(r"parameter '[^']*' (?:is|appears to be) '[^']+' injectable",
                                output))
    rejected = output.count("false positive or unexploitable injection point detected")
    not_injectable = re.search(
        rf"parameter '{re.escape(param)}' does not seem to be injectable", output) is not None
    errors = {code: int(n) for code, n in re.findall(r"^(\d{3}) \([^)]*\) - (\d+) times",
                                                     output, re.M)}
    heuristics = [line.split("] ", 2)[-1] for line in output.splitlines()
                  if "heuristic" in line and "might be" in line and "might not" not in line]
    if injectable:
        state = "INJECTABLE"
    elif not_injectable:
        state = "not injectable"
    else:
        state = "NOT TESTED"
    return {"state": state, "http_errors": errors, "heuristics": heuristics,
            "candidates": candidates, "false_positives": rejected}


def run_sqlmap(target: dict, session: Session, out: Path, level: int, risk: int) -> dict:
    name = re.sub(r"[^\w.-]+", "_", f"{target['role']}-{target['name']}-{target['param']}")
    log, traffic = out / f"{name}.log", out / f"{name}.traffic"
    traffic.unlink(missing_ok=True)
    if target.get("uri"):
        # A path segment, marked with * in the URL: sqlmap tests the marked place only;
        # --skip keeps it off the query string and the cookies all the same.
        query = urllib.parse.urlsplit(target["path"]).query
        skip = ["sessionid", "csrftoken"] + [k for k, _v in urllib.parse.parse_qsl(query)]
        pin = ["--skip", ",".join(skip)]
    else:
        pin = ["-p", target["param"]]
    command = [
        "sqlmap", "-u", session.base + target["path"], *pin,
        "--batch", f"--level={level}", f"--risk={risk}", "--flush-session",
        "--drop-set-cookie", "--disable-coloring", "--output-dir", str(out / "state"),
        "-t", str(traffic),
    ]
    if session.cookies:
        command += ["--cookie", session.cookie_header]
    if target.get("data"):
        command += ["--data", target["data"]]
    for header in target.get("headers", []):
        command += ["-H", header]
    command += target.get("options", [])
    if target.get("full_page"):
        # A full page carries a fresh masked CSRF token each time: compare the text only.
        command += ["--text-only"]
    started = datetime.datetime.now()
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    seconds = (datetime.datetime.now() - started).total_seconds()
    log.write_text(result.stdout + result.stderr)
    outcome = verdict(result.stdout, "#1*" if target.get("uri") else target["param"])
    requests = traffic.read_text(errors="replace").count("HTTP request [#") \
        if traffic.exists() else 0
    # The session must still be signed in afterwards, or the later answers were login pages.
    still_in = True
    if session.cookies:
        status, _body, location = session.get(target.get("check", target["path"]).replace("*", ""),
                                              headers=dict(h.split(": ", 1)
                                                           for h in target.get("headers", [])))
        still_in = status == 200
    row = {**target, "requests": requests, "seconds": round(seconds, 1), "signed_in": still_in,
           "command": " ".join(command).replace(session.cookie_header, "$COOKIE")
           if session.cookies else " ".join(command), **outcome}
    if not still_in:
        row["state"] = "NOT TESTED"
    return row


def first_option(page: str, name: str) -> str | None:
    """The first non-empty choice of a <select name=...> on the page."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    values = re.findall(r'<option value="([^"]+)"', select.group(0)) if select else []
    return values[0] if values else None


def discover(base: str) -> dict:
    """Ids the targets need, read from the running demo as the users see it."""
    found = {}
    bolig = Session(base, "bolig")
    status, body, location = bolig.get("/tavle/")
    found["team"] = int(re.search(r"/tavle/(\d+)/", location).group(1))
    _s, body, _l = bolig.get("/boliger/")
    found["dwelling"] = int(re.search(r'href="/boliger/(\d+)/"', body).group(1))
    found["suitability"] = re.search(
        r'<select name="suitability".*?<option value="([^"]+)"', body, re.S).group(1)
    found["kind"] = re.search(r'<select name="kind".*?<option value="([^"]+)"', body,
                              re.S).group(1)
    found["status"] = re.search(r'<select name="status".*?<option value="([^"]+)"', body,
                                re.S).group(1)
    _s, body, _l = bolig.get("/resultater/bostabilitet/")
    found["stability"] = {
        name: first_option(body, name) or ""
        for name in ("housing_first", "background", "dwelling_kind", "team")}
    _s, body, _l = bolig.get("/resultater/inn-og-utstrom/")
    # Every drill-down link of the flow table is opened once (a 500 among them shows in the
    # server log summary); the first that answers 200 is the one tested.
    links = re.findall(r'href="/resultater/inn-og-utstrom/(\d{4}-\d{2})/(inn|ut)/(\w+)/"', body)
    answers = {link: bolig.get("/resultater/inn-og-utstrom/{}/{}/{}/".format(*link))[0]
               for link in dict.fromkeys(links)}
    found["flow_links"] = {str(c): sum(v == c for v in answers.values())
                           for c in sorted(set(answers.values()))}
    found["flow_people"] = next((link for link, code in answers.items() if code == 200), None)
    _s, body, _l = bolig.get("/api/v1/applications")
    applications = json.loads(body)
    found["resident"] = applications[0]["applicant_id"]
    found["rights_resident"] = next(
        (a["applicant_id"] for a in applications
         if bolig.get(f"/tilgang/beboer/{a['applicant_id']}/logg/")[0] == 200), None)
    for application in applications:
        if bolig.get(f"/tildeling/soknader/{application['id']}/tilbud/")[0] == 200:
            found["application"] = application["id"]
            break
    return found


ADMIN_SKIP = {"e", "_changelist_filters", "_popup", "_to_field", "all", "_facets"}


def admin_changelists(session: Session) -> list[tuple[str, dict]]:
    """The admin site's changelists and their search, filter, date, sort and page parameters,
    read from the pages (the links a person can click), with a value each link carries."""
    status, body, _location = session.get("/admin/")
    if status != 200:
        return []
    found = []
    for url in sorted(set(re.findall(r'href="(/admin/\w+/\w+/)"', body))):
        params: dict[str, str] = {}
        seen_urls, queue = set(), [""]
        while queue and len(seen_urls) < 4:  # date hierarchy: year, then month, then day
            query = queue.pop(0)
            seen_urls.add(query)
            status, page, _l = session.get(url + query)
            if status != 200:
                continue
            if 'id="searchbar"' in page:
                params.setdefault("q", "a")
            for href in re.findall(r'href="\?([^"]*)"', page):
                pairs = urllib.parse.parse_qsl(html.unescape(href))
                for key, value in pairs:
                    if key not in ADMIN_SKIP and key not in params:
                        params[key] = value
                        if key.endswith(("__year", "__month")):
                            queue.append("?" + urllib.parse.urlencode(pairs))
        params.setdefault("o", "1")
        params.setdefault("p", "1")
        found.append((url, params))
    return found


def targets(ids: dict, spec: dict, admin: list[tuple[str, dict]]) -> list[dict]:
    t = ids
    dwellings = (f"/boliger/?q=en&kind={t['kind']}&status={t['status']}"
                 f"&suitability={t['suitability']}&side=1")
    dwelling_fragment = ["HX-Request: true", "HX-Target: dwelling-results"]
    residents_fragment = ["HX-Request: true", "HX-Target: resident-results"]
    board = f"/tavle/{t['team']}/?dag={datetime.date.today().isoformat()}&motemodus=1"
    board_fragment = ["HX-Request: true", "HX-Target: tavle"]
    rows = []

    def add(role, name, path, params, **extra):
        for param in params:
            rows.append({"role": role, "name": name, "path": path, "param": param, **extra})

    for role in ("bolig", "miljo", "vaktmester"):
        add(role, "dwellings", dwellings, ["q", "kind", "status", "suitability", "side"],
            headers=dwelling_fragment, covers="page")
        add(role, "board", board, ["dag", "motemodus"], headers=board_fragment, covers="page")
    for role in ("bolig", "miljo"):
        add(role, "residents-search", "/beboere/", ["q"], method="POST",
            data="csrfmiddlewaretoken={csrftoken}&q=a", headers=residents_fragment,
            check="/beboere/", covers="post")
        add(role, "residents-page", "/beboere/?side=1", ["side"], headers=residents_fragment,
            covers="page")
    # Without htmx the POST redirects to the list, which runs the saved search: follow the
    # redirect as the browser does (GET, not the POST again).
    add("bolig", "residents-search-redirect", "/beboere/", ["q"], method="POST",
        data="csrfmiddlewaretoken={csrftoken}&q=a", check="/beboere/", covers="post",
        options=["--answers=follow=Y,resend=N"], full_page=True)
    add("bolig", "application-new", f"/tildeling/soknader/ny/?beboer={t['resident']}",
        ["beboer"], covers="page", full_page=True)
    if "application" in t:
        add("bolig", "offer", f"/tildeling/soknader/{t['application']}/tilbud/?bolig="
            f"{t['dwelling']}", ["bolig"], covers="page", full_page=True)
    add("anonymous", "login", "/konto/logg-inn/?next=/beboere/", ["next"], covers="page",
        full_page=True)
    if t.get("rights_resident"):
        r = t["rights_resident"]
        add("bolig", "access-log", f"/tilgang/beboer/{r}/logg/?side=1", ["side"], covers="page",
            full_page=True)
        add("bolig", "access-log-letter", f"/tilgang/beboer/{r}/logg/brev.pdf?sprak=nn",
            ["sprak"], covers="page")
        add("bolig", "data-copy-letter", f"/tilgang/beboer/{r}/innsyn.pdf?sprak=nn",
            ["sprak"], covers="page")
    # Outcomes: the by-name list, the monthly flow and its drill-down (month, direction and
    # kind are path segments: tested with sqlmap's * marker), each with its export format.
    add("bolig", "by-name-list", "/resultater/uten-bolig/?eksport=csv", ["eksport"],
        covers="page", full_page=True)
    for role in ("bolig", "analytiker"):
        add(role, "flow", "/resultater/inn-og-utstrom/?eksport=csv", ["eksport"],
            covers="page", full_page=True)
    stability = {"start_year": str(datetime.date.today().year - 1), **t["stability"]}
    for role in ("bolig", "analytiker"):
        for param, value in {**stability, "eksport": "csv"}.items():
            add(role, "stability", f"/resultater/bostabilitet/?{param}={value}", [param],
                covers="page", full_page=True)
    if t.get("flow_people"):
        month, direction, kind = t["flow_people"]
        base = f"/resultater/inn-og-utstrom/{month}/{direction}/{kind}/"
        add("bolig", "flow-people", base + "?eksport=csv", ["eksport"], covers="page",
            full_page=True)
        for i, name in enumerate(("month", "direction", "kind")):
            segments = [month, direction, kind]
            segments[i] += "*"
            add("bolig", "flow-people", "/resultater/inn-og-utstrom/" + "/".join(segments)
                + "/", [f"{name} (path)"], covers="path", full_page=True, uri=True)
    # The admin site (administrator with two-factor): every changelist's parameters.
    for url, params in admin:
        model = url.strip("/").split("/", 1)[1].replace("/", "-")
        for param, value in params.items():
            query = {param: value}
            if param.endswith("__month") or param.endswith("__day"):
                stem = param.rsplit("__", 1)[0]
                query = {k: v for k, v in params.items()
                         if k.startswith(stem + "__") and (
                             k.endswith("__year") or (param.endswith("__day")
                                                      and k.endswith("__month")))}
                query[param] = value
            add("admin", model, url + "?" + urllib.parse.urlencode(query), [param],
                covers="admin", full_page=True)
    # The API's query parameters, from the spec: every GET operation that has any.
    examples = {"date": datetime.date.today().isoformat(), "integer": "1"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            if method != "get" or not query or "{" in path:
                continue
            values = {}
            for p in query:
                schema = p.get("schema", {})
                kinds = [schema] + schema.get("anyOf", [])
                fmt = next((k.get("format") or k.get("type") for k in kinds
                            if k.get("type") not in (None, "null")), "string")
                values[p["name"]] = examples.get(fmt, "a")
            if "start" in values and "end" in values:  # a window that holds the demo's visits
                values["start"] = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
                values["end"] = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
            url = path + "?" + urllib.parse.urlencode(values)
            for role in ("bolig", "miljo", "vaktmester"):
                # Roles the operation refuses (403) are skipped, not counted as untested.
                add(role, "api" + path.replace("/", "-"), url, list(values),
                    covers=f"api:GET {path}", optional=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--level", type=int, default=2)
    parser.add_argument("--risk", type=int, default=1)
    parser.add_argument("--only", help="regex on 'role name param': run only those targets")
    args = parser.parse_args()
    if not args.base.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("loopback only")
    out = args.out / "sqlmap"
    out.mkdir(parents=True, exist_ok=True)

    anonymous = Session(args.base, None)
    spec = json.loads(anonymous.get("/api/v1/openapi.json")[1])
    ids = discover(args.base)
    sessions: dict[str, Session] = {"admin": Session(args.base, "admin", two_factor=True)}
    admin = admin_changelists(sessions["admin"])
    ids["admin_changelists"] = {url: sorted(params) for url, params in admin}
    rows_planned = targets(ids, spec, admin)

    covered = set()
    for row in rows_planned:
        if row["covers"] == "page":
            covered.add(f"page:{row['param']}")
        elif row["covers"].startswith("api:"):
            covered.add(f"{row['covers']}?{row['param']}")
    uncovered = sorted(coverage_expected(args.src, spec) - covered)
    if args.only:  # coverage is judged on the whole plan; run only the chosen part of it
        rows_planned = [r for r in rows_planned
                        if re.search(args.only, f"{r['role']} {r['name']} {r['param']}")]

    results = []
    for row in rows_planned:
        role = row["role"]
        if role not in sessions:
            sessions[role] = Session(args.base, None if role == "anonymous" else role)
        session = sessions[role]
        if row.get("data"):
            row = {**row, "data": row["data"].format(**session.cookies)}
        # Start each resident-list target from an empty saved search.
        if session.cookies and row["name"].startswith("residents"):
            reset = urllib.request.Request(
                args.base + "/beboere/", method="POST",
                data=f"csrfmiddlewaretoken={session.cookies['csrftoken']}&q=".encode(),
                headers={"Cookie": session.cookie_header,
                         "Content-Type": "application/x-www-form-urlencoded"})
            with contextlib.suppress(urllib.error.HTTPError):  # the 302 back to the list
                urllib.request.build_opener(NoRedirect).open(reset, timeout=60)
        status = session.get(row.get("check", row["path"]).replace("*", ""),
                             headers=dict(h.split(": ", 1) for h in row.get("headers", [])))[0]
        if status != 200:
            state = "skipped" if row.get("optional") and status == 403 else "NOT TESTED"
            results.append({**row, "state": state, "requests": 0, "seconds": 0,
                            "http_errors": {}, "heuristics": [],
                            "note": f"baseline answered {status}"})
            print(f"{role:10} {row['name']:28} {row['param']:12} {state} ({status})",
                  flush=True)
            continue
        result = run_sqlmap(row, session, out, args.level, args.risk)
        results.append(result)
        print(f"{role:10} {row['name']:28} {row['param']:12} {result['state']:15} "
              f"{result['requests']:5} requests  errors={result['http_errors']}", flush=True)

    version = subprocess.run(["sqlmap", "--version"], capture_output=True,
                             text=True).stdout.split("\n")[0].strip()
    summary = {
        "sqlmap": version, "level": args.level, "risk": args.risk, "ids": ids,
        "targets": len(results),
        "injectable": sum(r["state"] == "INJECTABLE" for r in results),
        "not_injectable": sum(r["state"] == "not injectable" for r in results),
        "not_tested": sum(r["state"] == "NOT TESTED" for r in results),
        "skipped_no_access": sum(r["state"] == "skipped" for r in results),
        "requests": sum(r["requests"] for r in results),
        "http_500": sum(r["http_errors"].get("500", 0) for r in results),
        "false_positives": sum(r.get("false_positives", 0) for r in results),
        "uncovered": uncovered, "results": results,
    }
    (args.out / "sqlmap-summary.json").write_text(json.dumps(summary, indent=2))
    lines = [f"sqlmap {version}, --level={args.level} --risk={args.risk}", "",
             "| role | page | method | parameter | verdict | requests | HTTP errors |",
             "| --- | --- | --- | --- | --- | ---: | --- |"]
    for r in results:
        path = r["path"].split("?")[0]
        lines.append(f"| {r['role']} | `{path}` | {r.get('method', 'GET')} | `{r['param']}` "
                     f"| {r['state']} | {r['requests']} | "
                     f"{', '.join(f'{k}×{v}' for k, v in r['http_errors'].items()) or '–'} |")
    lines += ["", f"{summary['targets']} parameter runs, {summary['requests']} requests: "
              f"{summary['injectable']} injectable, {summary['not_injectable']} not injectable, "
              f"{summary['not_tested']} not tested, {summary['skipped_no_access']} skipped "
              f"(the role is refused the operation); HTTP 500 answers: {summary['http_500']}; "
              f"candidates sqlmap itself rejected as false positives: "
              f"{summary['false_positives']}.",
              f"Uncovered parameters: {', '.join(uncovered) or 'none'}.",
              f"Admin changelists found: {len(admin)}; flow drill-down links opened, by "
              f"answer: {ids.get('flow_links') or 'none'}."]
    (args.out / "sqlmap-summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-3:]))
    if summary["injectable"] or summary["not_tested"]:
        return 2
    return 3 if uncovered else 0


if __name__ == "__main__":
    sys.exit(main())
