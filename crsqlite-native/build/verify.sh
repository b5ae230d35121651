#!/usr/bin/env bash
# Rebuilds the committed cr-sqlite binaries from scratch in a temporary directory (fresh
# downloads, fresh cargo state) and checks that each is bit-identical to the committed file and
# to its sha256 in native/manifest.properties. Exits 0 when all agree, 1 on any mismatch.
#
#   build/verify.sh                    # every target (about 1 min each on 2 cores)
#   build/verify.sh --target TRIPLE    # one target, e.g. x86_64-unknown-linux-gnu
#   build/verify.sh --keep             # keeps the temporary directory (path printed)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE_DIR="$(dirname "$HERE")/src/main/resources/io/chora/crsqlite/native"
MANIFEST="$NATIVE_DIR/manifest.properties"
# target triple -> platform folder and file, as build.sh builds them
declare -A PLATFORM=(
  [x86_64-unknown-linux-gnu]=Linux/x86_64/libcrsqlite.so
  [aarch64-unknown-linux-gnu]=Linux/aarch64/libcrsqlite.so
  [x86_64-pc-windows-gnu]=Windows/x86_64/crsqlite.dll
)
TARGETS=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-gnu)
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGETS=("$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--target TRIPLE] [--keep]" >&2; exit 2 ;;
  esac
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/chora-crsqlite-verify.XXXXXX")"
if [ "$KEEP" = 1 ]; then
  echo "verify.sh: working in $TMP (kept)" >&2
else
  trap 'rm -rf "$TMP"' EXIT
fi

failed=0
for target in "${TARGETS[@]}"; do
  file="${PLATFORM[$target]:?unknown target $target}"
  platform="${file%/*}"
  "$HERE/build.sh" --target "$target" --work "$TMP/work" --out "$TMP/$file" >/dev/null
  rebuilt="$(sha256sum "$TMP/$file" | cut -d' ' -f1)"
  committed="$(sha256sum "$NATIVE_DIR/$file" | cut -d' ' -f1)"
  listed="$(sed -n "s|^$platform.sha256=||p" "$MANIFEST")"
  echo "$platform: rebuilt $rebuilt"
  echo "$platform: committed $committed ($NATIVE_DIR/$file)"
  echo "$platform: manifest $listed"
  if [ "$rebuilt" = "$committed" ] && [ "$committed" = "$listed" ]; then
    echo "$platform: OK, bit-identical"
  else
    echo "$platform: MISMATCH; the committed binary was built with" \
      "$(sed -n "s|^$platform.toolchain=||p" "$MANIFEST")" >&2
    failed=1
  fi
done
exit $failed
