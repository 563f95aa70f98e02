#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment away from the source tree,
# render the packaged example and open the app offscreen; fail if the wheel carries a
# top-level `nodes`, or the installed app lacks its stylesheet, icon or example.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/previz-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "check_wheel: $*" >&2; exit 1; }

# Build from a copy, so no build/ or egg-info is left in the source tree.
mkdir "$WORK/src"
tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude=./build --exclude='*.egg-info' \
    --exclude=__pycache__ -cf - . | tar -C "$WORK/src" -xf -
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$WORK/src"
wheel=$(ls "$WORK"/dist/previz-*.whl)
if "$PYTHON" -m zipfile -l "$wheel" | grep -qE '^nodes/'; then fail "$wheel has a top-level nodes"; fi

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet "$wheel"
cd "$WORK"  # away from the source tree: only the installed package can be imported
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" XDG_STATE_HOME="$WORK/state" \
       XDG_CACHE_HOME="$WORK/cache" PREVIZ_CACHE="$WORK/clips" QT_QPA_PLATFORM=offscreen
example=$("$WORK/venv/bin/python" -c \
  "from importlib.resources import files; print(files('previz.resources') / 'examples' / 'lighthouse.previz')")
case "$example" in "$WORK/venv/"*) ;; *) fail "the example is not in the installation: $example" ;; esac
"$WORK/venv/bin/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('nodes') is not None)" \
  || fail "a top-level nodes package is importable"
"$WORK/venv/bin/previz" --version
"$WORK/venv/bin/previz" render "$example" --out "$WORK/out"
movies=$(find "$WORK/out" -name '*.mp4' | wc -l)
[ "$movies" -ge 1 ] || fail "previz render wrote no movie"
"$WORK/venv/bin/python" "$ROOT/packaging/smoke_app.py" "$example" 3
echo "check_wheel: $(basename "$wheel") installs, renders $movies clips of the example and opens"
