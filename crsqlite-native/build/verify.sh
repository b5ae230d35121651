#!/usr/bin/env bash
# Rebuilds the linux-x86_64 cr-sqlite extension from scratch in a temporary directory (fresh
# downloads, fresh cargo state) and checks that it is bit-identical to the committed binary and
# to the sha256 in native/manifest.properties. Exits 0 when all three agree, 1 otherwise.
#
#   build/verify.sh          # the temporary directory is removed afterwards
#   build/verify.sh --keep   # keeps it (path printed) to inspect a mismatch
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE_DIR="$(dirname "$HERE")/src/main/resources/io/chora/crsqlite/native"
PLATFORM=Linux/x86_64
COMMITTED="$NATIVE_DIR/$PLATFORM/libcrsqlite.so"
MANIFEST="$NATIVE_DIR/manifest.properties"

KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1
TMP="$(mktemp -d "${TMPDIR:-/tmp}/chora-crsqlite-verify.XXXXXX")"
if [ "$KEEP" = 1 ]; then
  echo "verify.sh: working in $TMP (kept)" >&2
else
  trap 'rm -rf "$TMP"' EXIT
fi

"$HERE/build.sh" --work "$TMP/work" --out "$TMP/libcrsqlite.so" >/dev/null

rebuilt="$(sha256sum "$TMP/libcrsqlite.so" | cut -d' ' -f1)"
committed="$(sha256sum "$COMMITTED" | cut -d' ' -f1)"
listed="$(sed -n "s|^$PLATFORM.sha256=||p" "$MANIFEST")"
echo "rebuilt   $rebuilt"
echo "committed $committed  $COMMITTED"
echo "manifest  $listed  $MANIFEST"
if [ "$rebuilt" = "$committed" ] && [ "$committed" = "$listed" ]; then
  echo "verify.sh: OK, the rebuilt binary is bit-identical to the committed one"
  exit 0
fi
if command -v rustup >/dev/null; then
  rustc_version="$(rustup run "${CHORA_RUST_TOOLCHAIN:-stable}" rustc --version)"
else
  rustc_version="$(rustc --version)"
fi
echo "verify.sh: MISMATCH. Built with $rustc_version, $(gcc --version | head -1);" \
  "the committed binary was built with $(sed -n "s|^$PLATFORM.toolchain=||p" "$MANIFEST")" >&2
exit 1
