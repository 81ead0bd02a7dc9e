#!/usr/bin/env bash
# One entry point for a fresh machine (Python 3.11 + pip + apt):
#   bash scripts/run.sh app    set up, then start the app on the bundled corpus
#   bash scripts/run.sh test   set up, then run the whole test suite (what CI runs)
#   bash scripts/run.sh setup  only set up
# Set-up is idempotent: a virtualenv in .venv, the project installed editable with its
# test extras, and Debian's Chromium for the browser tests (test only).
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
}

setup_browser() { sh scripts/install_browser.sh; }

cmd=${1:-app}; shift || true
case "$cmd" in
  setup) setup_python ;;
  app)
    setup_python
    exec "$VENV/bin/solieu" app "$@" ;;
  test)
    setup_python
    setup_browser
    set +e
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
    rc=$?
    set -e
    if [ "$rc" = 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; exit 1; fi
    exit "$rc" ;;
  *) echo "usage: bash scripts/run.sh app|test|setup [args]" >&2; exit 2 ;;
esac
