#!/usr/bin/env bash
# One entry point for a fresh machine (Python 3.11 + pip + apt):
#   bash scripts/run.sh app    set up, then start the app on the bundled corpus
#   bash scripts/run.sh test   set up, then run the whole test suite (what CI runs)
#   bash scripts/run.sh setup  only set up
# Set-up is idempotent: a virtualenv in .venv, the project installed editable with its
# test extras (which pull the `scale` extra: psycopg, dask[distributed]), Debian's
# converters for .doc and scanned PDFs (antiword, tesseract-ocr, tesseract-ocr-vie;
# scripts/install_readers.sh), and, for the tests only, Debian's Chromium for the browser
# tests and Debian's PostgreSQL server (scripts/start_postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="${SOLIEU_VENV:-$ROOT/.venv}"
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

setup_python() {
  "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || {
    echo "solieu needs Python 3.11 (found: $("$PY" --version 2>&1))" >&2; exit 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV" 2>/dev/null || {
      echo "python3 -m venv failed; installing Debian's venv support" >&2
      as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$VENV"; "$PY" -m venv "$VENV"; }
  fi
  # Reinstall only when the dependency list changed.
  local stamp="$VENV/.solieu-installed" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test]"
    echo "$want" > "$stamp"
  fi
  setup_readers
}

setup_readers() { sh scripts/install_readers.sh; }

setup_browser() { sh scripts/install_browser.sh; }

# PostgreSQL from Debian for the store suites that run on both backends (issue 11):
# installed where missing, started (pg_ctlcluster), a role and a test database made;
# its URL goes to the tests as $SOLIEU_TEST_PG. If it cannot be started, the
# PostgreSQL tests fail in CI with the reason (tests/backends.py), never skip silently.
setup_postgres() {
  local url
  if [ -n "${SOLIEU_TEST_PG:-}" ]; then return 0; fi
  if url=$(sh scripts/start_postgres.sh); then
    export SOLIEU_TEST_PG="$url"
    export SOLIEU_TEST_PG_CONTROL=1  # the fault tests may stop and restart this server
  else
    echo "run.sh: PostgreSQL could not be started; the PostgreSQL tests will fail" >&2
  fi
}

cmd=${1:-app}; shift || true
case "$cmd" in
  setup) setup_python ;;
  app)
    setup_python
    exec "$VENV/bin/solieu" app "$@" ;;
  test)
    setup_python
    setup_browser
    setup_postgres
    set +e
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
    rc=$?
    set -e
    if [ "$rc" = 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; exit 1; fi
    exit "$rc" ;;
  *) echo "usage: bash scripts/run.sh app|test|setup [args]" >&2; exit 2 ;;
esac
