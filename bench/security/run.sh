#!/usr/bin/env bash
# Security checks with tools nobody here wrote: schemathesis against the API's OpenAPI spec
# and sqlmap against every search and filter parameter. See README.md and RESULTS.md.
#
#   bench/security/run.sh                  # the committed code (git HEAD)
#   SRC=worktree bench/security/run.sh     # the working tree as it is now, uncommitted too
#
# Settings (environment): PORT (8765), PHASES ("sqlmap schemathesis"; "serve" only builds and
# serves the demo for looking around), ST_EXAMPLES (25 per
# operation), ST_SEED (20261123), ST_ROLES ("bolig miljo vaktmester"), SQLMAP_LEVEL (2),
# SQLMAP_RISK (1), SQLMAP_ONLY (a regex on "role page parameter": only those sqlmap runs).
#
# Everything stays under bench/security/: the tools' virtualenv (.venv), the app's when the
# project's .venv is missing (.venv-app), a snapshot of the code (var/src), its own demo
# database (var/run, built anew each run: schemathesis changes data) and the reports
# (var/out/STAMP, var/out/latest). The server listens on 127.0.0.1 only and is stopped at
# the end. Exit 0 only if there was no server error and no injectable or untested parameter.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PORT="${PORT:-8765}"
BASE="http://127.0.0.1:$PORT"
SRC="${SRC:-head}"
PHASES="${PHASES:-sqlmap schemathesis}"
ST_EXAMPLES="${ST_EXAMPLES:-25}"
ST_SEED="${ST_SEED:-20261123}"
ST_ROLES="${ST_ROLES:-bolig miljo vaktmester}"
SQLMAP_LEVEL="${SQLMAP_LEVEL:-2}"
SQLMAP_RISK="${SQLMAP_RISK:-1}"
VAR="$HERE/var"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$VAR/out/$STAMP"

say() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------------------
if [ ! -x "$HERE/.venv/bin/st" ]; then
    say "schemathesis: virtualenv bench/security/.venv"
    python3 -m venv "$HERE/.venv"
    "$HERE/.venv/bin/pip" install --quiet --upgrade pip
    "$HERE/.venv/bin/pip" install --quiet -r "$HERE/requirements.txt"
fi
if ! command -v sqlmap >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        say "sqlmap: Debian package"
        apt-get update -qq && apt-get install -y -qq sqlmap
    else
        echo "sqlmap missing: sudo apt-get install sqlmap" >&2; exit 1
    fi
fi
if [ -x "$ROOT/.venv/bin/python" ]; then
    PY="$ROOT/.venv/bin/python"
else
    # No project virtualenv (make setup not run): the app's dependencies in one of our own.
    PY="$HERE/.venv-app/bin/python"
    if [ ! -x "$PY" ]; then
        say "app: virtualenv bench/security/.venv-app from pyproject.toml's dependencies"
        python3 -m venv "$HERE/.venv-app"
        "$HERE/.venv-app/bin/pip" install --quiet --upgrade pip
        python3 -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))' \
            "$ROOT/pyproject.toml" > "$HERE/.venv-app/requirements.txt"
        "$HERE/.venv-app/bin/pip" install --quiet -r "$HERE/.venv-app/requirements.txt"
    fi
fi

# --- a snapshot of the code, so edits made meanwhile do not change the run ---------------
say "snapshot ($SRC) in bench/security/var/src"
rm -rf "$VAR/src" "$VAR/run"
mkdir -p "$VAR/src" "$VAR/run" "$OUT"
REV="$(git -C "$ROOT" rev-parse --short HEAD)"
case "$SRC" in
    head) git -C "$ROOT" archive HEAD | tar -x -C "$VAR/src" ;;
    worktree)
        REV="$REV+working-tree"
        (cd "$ROOT" && git ls-files -z -c -o --exclude-standard -- . ':(exclude)bench/security' \
            | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -x -C "$VAR/src" ;;
    *) echo "SRC is head or worktree" >&2; exit 1 ;;
esac
cd "$VAR/src"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p static/vendor/designsystemet
cp node_modules/@digdir/designsystemet-css/dist/src/index.css static/vendor/designsystemet/designsystemet.css
cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css static/vendor/designsystemet/theme.css

# --- the demo municipality in its own database -------------------------------------------
say "demo database in bench/security/var/run"
unset DATABASE_URL DEBUG SECRET_KEY HUSLY_REQUIRE_2FA HUSLY_HTTPS ALLOWED_HOSTS || true
export HUSLY_VAR_DIR="$VAR/run" HUSLY_DEMO=1
"$PY" manage.py migrate --verbosity 0
"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py compilemessages --verbosity 0 --ignore=node_modules
"$PY" manage.py demo_setup > "$OUT/demo_setup.txt"

cat > "$OUT/info.txt" <<EOF
date:          $(date -Iseconds)
code:          $REV ($SRC)
python:        $("$PY" --version 2>&1), Django $("$PY" -c 'import django; print(django.get_version())')
schemathesis:  $("$HERE/.venv/bin/st" --version)
sqlmap:        $(sqlmap --version 2>/dev/null | head -1)
server:        manage.py runserver --noreload 127.0.0.1:$PORT, HUSLY_DEMO=1, DEBUG off, SQLite
settings:      ST_EXAMPLES=$ST_EXAMPLES ST_SEED=$ST_SEED ST_ROLES="$ST_ROLES" SQLMAP_LEVEL=$SQLMAP_LEVEL SQLMAP_RISK=$SQLMAP_RISK
EOF

# --- the server ---------------------------------------------------------------------------
if curl -s -o /dev/null "$BASE/"; then
    echo "something already listens on 127.0.0.1:$PORT" >&2; exit 1
fi
say "server on $BASE"
"$PY" manage.py runserver --noreload "127.0.0.1:$PORT" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -s -o /dev/null -w '%{http_code}' "$BASE/konto/logg-inn/" 2>/dev/null | grep -q 200 && break
    sleep 1
done
ln -sfn "$STAMP" "$VAR/out/latest"
: > "$OUT/phases.txt"
mark() { wc -l < "$OUT/server.log"; }

# --- sqlmap: every search and filter parameter ---------------------------------------------
if [[ " $PHASES " == *" sqlmap "* ]]; then
    say "sqlmap (level $SQLMAP_LEVEL, risk $SQLMAP_RISK)"
    start=$(mark)
    python3 "$HERE/sqlmap_targets.py" --base "$BASE" --src "$VAR/src" --out "$OUT" \
        --level "$SQLMAP_LEVEL" --risk "$SQLMAP_RISK" ${SQLMAP_ONLY:+--only "$SQLMAP_ONLY"} || true
    echo "sqlmap $start $(mark)" >> "$OUT/phases.txt"
fi

# --- schemathesis: the OpenAPI spec, signed in as each role --------------------------------
if [[ " $PHASES " == *" schemathesis "* ]]; then
    for role in $ST_ROLES; do
        say "schemathesis as $role ($ST_EXAMPLES examples per operation, seed $ST_SEED)"
        eval "$(python3 "$HERE/login.py" "$BASE" "$role")"
        start=$(mark)
        "$HERE/.venv/bin/st" run "$BASE/api/v1/openapi.json" \
            --header "Cookie: sessionid=$SESSIONID; csrftoken=$CSRFTOKEN" \
            --header "X-CSRFToken: $CSRFTOKEN" \
            --checks not_a_server_error \
            --max-examples "$ST_EXAMPLES" --seed "$ST_SEED" --workers 1 \
            --request-timeout 60 \
            --report junit --report-junit-path "$OUT/st-$role.xml" \
            > "$OUT/st-$role.txt" 2>&1 || true
        echo "schemathesis-$role $start $(mark)" >> "$OUT/phases.txt"
        grep -E "generated|Server error|passed|failed" "$OUT/st-$role.txt" | tail -4 || true
    done
fi

# PHASES=serve: keep the server up for looking around by hand, until it is stopped.
if [[ " $PHASES " == *" serve "* ]]; then
    say "serving $BASE (PID $SERVER_PID) until stopped"
    wait "$SERVER_PID" || true
fi

say "summary: bench/security/var/out/$STAMP/summary.md"
python3 "$HERE/summarize.py" "$OUT"
