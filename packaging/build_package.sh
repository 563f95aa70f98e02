#!/usr/bin/env bash
# `make package`: install Previz from its wheel (no model stack) and PyInstaller into
# build/package-venv, build dist/previz/ from packaging/previz.spec, then check the result:
# `previz --version`, a render of the bundled example, and the app opened offscreen for a few
# seconds without a missing stylesheet, icon or project in its log.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
BUILD="$ROOT/build/package"
VENV="$ROOT/build/package-venv"
fail() { echo "build_package: $*" >&2; exit 1; }
rm -rf "$BUILD" "$ROOT/dist/previz"
mkdir -p "$BUILD/src"
tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude=./build --exclude=./dist \
    --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$BUILD/src" -xf -
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade "pyinstaller>=6.0"
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$BUILD/src"
"$VENV/bin/python" -m pip install --quiet "$BUILD/src"  # its dependencies, once
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath "$ROOT/dist" \
    --workpath "$BUILD/work" "$ROOT/packaging/previz.spec"
app="$ROOT/dist/previz/previz"
[ -x "$app" ] || fail "no $app"

# The checks run away from the source tree, in folders of their own.
cd "$BUILD"
export XDG_CONFIG_HOME="$BUILD/config" XDG_DATA_HOME="$BUILD/data" XDG_STATE_HOME="$BUILD/state" \
       XDG_CACHE_HOME="$BUILD/cache" PREVIZ_CACHE="$BUILD/clips" QT_QPA_PLATFORM=offscreen
"$app" --version
example=$(find "$ROOT/dist/previz" -path '*previz/resources/examples/lighthouse.previz' | head -1)
[ -n "$example" ] || fail "the example is not in the package"
"$app" render "$example" --out "$BUILD/out"
[ "$(find "$BUILD/out" -name '*.mp4' | wc -l)" -ge 1 ] || fail "the packaged render wrote nothing"
set +e
timeout 10 "$app" "$example" 2> "$BUILD/app.log"
code=$?
set -e
[ "$code" -eq 124 ] || { cat "$BUILD/app.log" >&2; fail "the app ended by itself ($code)"; }
if grep -E "no stylesheet|no icon|could not open|Traceback" "$BUILD/app.log"; then
  fail "the packaged app is missing something (above)"
fi
du -sh "$ROOT/dist/previz"
echo "build_package: dist/previz/previz renders the example and opens with its stylesheet"
