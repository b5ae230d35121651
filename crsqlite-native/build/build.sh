#!/usr/bin/env bash
# Builds the cr-sqlite loadable extension that chora-crsqlite ships, offline from the registries
# this project can reach: the source from npm, the Rust crates and bindgen/libclang from Debian,
# rustc from rustup's stable toolchain, gcc/binutils from the machine. See README.md beside this
# file for what each step does and why.
#
#   build/build.sh                      # builds linux-x86_64 into src/main/resources and updates
#                                       # native/manifest.properties
#   build/build.sh --out FILE --work DIR  # builds elsewhere (verify.sh uses this)
#
# Environment: CHORA_RUST_TOOLCHAIN (default: stable) picks the rustup toolchain.
set -euo pipefail

CRSQLITE_VERSION=0.16.3
NPM_PACKAGE="@vlcn.io/crsqlite@${CRSQLITE_VERSION}"
NPM_TGZ_SHA256=e16e462763ebe38c30a466e53b979dc2464de1e2ebc0e2255c04266ca232a012
RUST_TARGET=x86_64-unknown-linux-gnu
PLATFORM=Linux/x86_64
# npm stores every file of a tarball with this mtime (1985-10-26T08:15:00Z); use it as the epoch.
export SOURCE_DATE_EPOCH=499162500
# Debian 12 (bookworm) packages, pinned. apt verifies them against the signed archive index.
CRATE_DEBS=(
  librust-autocfg-dev=1.1.0-1
  librust-bytes-dev=1.2.1-1
  librust-num-derive-dev=0.3.0-1
  librust-num-traits-dev=0.2.15-1
  librust-proc-macro2-dev=1.0.47-1
  librust-quote-dev=1.0.21-1
  librust-syn-dev=1.0.107-1
  librust-unicode-ident-dev=1.0.0-1+b1
)
TOOL_DEBS=(
  bindgen=0.60.1-2+b2
  libclang1-14=1:14.0.6-12
  libclang-common-14-dev=1:14.0.6-12
)
# The toolchain the committed binary was built with; another one builds a working binary with a
# different sha256 (verify.sh then reports the mismatch).
EXPECTED_RUSTC="rustc 1.95.0 (59807616e 2026-04-14)"
EXPECTED_GCC="gcc (Debian 12.2.0-14+deb12u1) 12.2.0"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$(dirname "$HERE")"
NATIVE_DIR="$MODULE/src/main/resources/io/chora/crsqlite/native"
OUT="$NATIVE_DIR/$PLATFORM/libcrsqlite.so"
WORK="${TMPDIR:-/tmp}/chora-crsqlite-build"
UPDATE_MANIFEST=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; UPDATE_MANIFEST=0; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    *) echo "usage: $0 [--out FILE] [--work DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
DL="$WORK/downloads"
log() { printf '[build.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 0. Tools. rustup's cargo/rustc if rustup exists, else whatever cargo/rustc are on PATH.
TOOLCHAIN="${CHORA_RUST_TOOLCHAIN:-stable}"
if command -v rustup >/dev/null; then
  CARGO="$(rustup which --toolchain "$TOOLCHAIN" cargo)"
  RUSTC="$(rustup which --toolchain "$TOOLCHAIN" rustc)"
else
  CARGO="$(command -v cargo)"
  RUSTC="$(command -v rustc)"
fi
for tool in npm apt-get dpkg gcc strip patch sha256sum tar; do
  command -v "$tool" >/dev/null || { echo "build.sh: '$tool' is required" >&2; exit 1; }
done
[ "$("$RUSTC" --version)" = "$EXPECTED_RUSTC" ] ||
  log "warning: $("$RUSTC" --version) differs from $EXPECTED_RUSTC: expect another sha256"
[ "$(gcc --version | head -1)" = "$EXPECTED_GCC" ] ||
  log "warning: $(gcc --version | head -1) differs from $EXPECTED_GCC: expect another sha256"

# 1. Source: the npm package holds the C sources and the whole Rust workspace.
mkdir -p "$DL/debs"
TGZ="$DL/vlcn.io-crsqlite-${CRSQLITE_VERSION}.tgz"
if [ ! -f "$TGZ" ]; then
  log "npm pack $NPM_PACKAGE"
  (cd "$DL" && npm pack --silent "$NPM_PACKAGE" >/dev/null)
fi
echo "$NPM_TGZ_SHA256  $TGZ" | sha256sum --quiet -c - ||
  { echo "build.sh: $TGZ does not have the pinned sha256" >&2; exit 1; }

# 2. Debian packages: crates (as a cargo directory source) and bindgen + libclang.
fetch_debs() {
  # _apt cannot write into root-owned temp dirs; apt then downloads unsandboxed and warns.
  (cd "$DL/debs" && apt-get download -q "$@" 2>&1 | grep -v -e '^W: Download is performed unsandboxed' >&2)
}
deb_file() { # NAME=VERSION -> the .deb apt-get download wrote (an epoch's ':' becomes %3a)
  local name="${1%%=*}" version="${1#*=}"
  compgen -G "$DL/debs/${name}_${version/:/%3a}_*.deb" | head -1
}
missing=()
for pkg in "${CRATE_DEBS[@]}" "${TOOL_DEBS[@]}"; do
  [ -n "$(deb_file "$pkg")" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get download ${missing[*]}"
  if ! fetch_debs "${missing[@]}"; then
    log "apt-get update (package lists missing or stale)"
    apt-get update -q >/dev/null
    fetch_debs "${missing[@]}"
  fi
fi
rm -rf "$WORK/debian" "$WORK/vendor"
for pkg in "${CRATE_DEBS[@]}" "${TOOL_DEBS[@]}"; do
  dpkg -x "$(deb_file "$pkg")" "$WORK/debian"
done
mkdir -p "$WORK/vendor"
for crate in "$WORK"/debian/usr/share/cargo/registry/*/; do
  dest="$WORK/vendor/$(basename "$crate")"
  cp -r "$crate" "$dest"
  # cargo's directory sources need a checksum file; an empty file map skips per-file checks.
  [ -f "$dest/.cargo-checksum.json" ] || echo '{"files":{},"package":null}' >"$dest/.cargo-checksum.json"
done

# 3. Unpack, patch, and remove what pins the 2023 nightly or crates.io.
SRC="$WORK/src"
rm -rf "$SRC" && mkdir -p "$SRC"
tar -xzf "$TGZ" -C "$SRC" --strip-components=1
for p in "$HERE"/patches/*.patch; do
  log "patch $(basename "$p")"
  patch -p1 -d "$SRC" --no-backup-if-mismatch -s <"$p"
done
rm -f "$SRC/rs/sqlite-rs-embedded/sqlite3_capi/build.rs"
find "$SRC/rs" \( -name rust-toolchain.toml -o -name Cargo.lock \) -delete
rm -rf "$SRC"/rs/*/target

# 4. Bindings for this target, from the 3.45 headers the Rust side was written against.
CLANG_ROOT="$WORK/debian/usr/lib/llvm-14"
log "bindgen $("$WORK/debian/usr/bin/bindgen" --version)"
(cd "$SRC/rs/sqlite-rs-embedded/sqlite3_capi" &&
  LIBCLANG_PATH="$CLANG_ROOT/lib" "$WORK/debian/usr/bin/bindgen" \
    --use-core --ctypes-prefix ::core::ffi --no-rustfmt-bindings --no-layout-tests \
    wrapper.h -o src/bindings.rs -- \
    -fvisibility=default --target="$RUST_TARGET" \
    -resource-dir "$(echo "$CLANG_ROOT"/lib/clang/*)")

# 5. The Rust static library. Cargo sees only the Debian crates (no network, no ~/.cargo).
export CARGO_HOME="$WORK/cargo-home"
mkdir -p "$CARGO_HOME"
cat >"$CARGO_HOME/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "$WORK/vendor"
[net]
offline = true
EOF
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET CARGO_TARGET_DIR
log "cargo build ($("$RUSTC" --version))"
(cd "$SRC/rs" &&
  RUSTC="$RUSTC" RUSTC_BOOTSTRAP=1 \
  CRSQLITE_COMMIT_SHA="npm:${NPM_PACKAGE}" \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
  CARGO_PROFILE_RELEASE_INCREMENTAL=false \
  RUSTFLAGS="--remap-path-prefix=$WORK=/chora-crsqlite -C codegen-units=1" \
  "$CARGO" build --quiet --release --target "$RUST_TARGET" -p crsql_bundle_static \
    --features crsql_bundle_static/loadable_extension 2>"$WORK/cargo.log") ||
  { cat "$WORK/cargo.log" >&2; exit 1; }
RUST_LIB="$SRC/rs/target/$RUST_TARGET/release/libcrsql_bundle_static.a"

# 6. The C part, linked with the Rust library into one shared object that exports only the entry
#    point (SQLite dlopens extensions RTLD_GLOBAL). unwind_stub.c: see the comment in it.
log "gcc $(gcc -dumpfullversion)"
printf '{\n  global: sqlite3_crsqlite_init;\n  local: *;\n};\n' >"$WORK/exports.map"
cp "$HERE/unwind_stub.c" "$SRC/src/chora_unwind_stub.c"
(cd "$SRC" && gcc -O2 -g0 -std=c99 -fPIC -shared -Wall -Wno-unused \
  -ffunction-sections -fdata-sections -ffile-prefix-map="$SRC"=. \
  -I src -I src/sqlite src/crsqlite.c src/changes-vtab.c src/ext-data.c src/chora_unwind_stub.c \
  "$RUST_LIB" -Wl,--version-script="$WORK/exports.map" -Wl,--gc-sections -Wl,--as-needed \
  -Wl,--build-id=sha1 -Wl,-O1 -o "$WORK/libcrsqlite.so" 2>"$WORK/gcc.log") ||
  { cat "$WORK/gcc.log" >&2; exit 1; }
strip --strip-all "$WORK/libcrsqlite.so"

# 7. Install it and record its hash.
mkdir -p "$(dirname "$OUT")"
cp "$WORK/libcrsqlite.so" "$OUT"
SHA="$(sha256sum "$OUT" | cut -d' ' -f1)"
if [ "$UPDATE_MANIFEST" = 1 ]; then
  MANIFEST="$NATIVE_DIR/manifest.properties"
  sed -i -e "s|^source.version=.*|source.version=$CRSQLITE_VERSION|" \
    -e "s|^$PLATFORM.sha256=.*|$PLATFORM.sha256=$SHA|" \
    -e "s|^$PLATFORM.toolchain=.*|$PLATFORM.toolchain=$("$RUSTC" --version), $(gcc --version | head -1)|" \
    "$MANIFEST"
  grep -q "^$PLATFORM.sha256=$SHA\$" "$MANIFEST" || { echo "build.sh: $MANIFEST lacks $PLATFORM" >&2; exit 1; }
fi
log "$OUT ($(stat -c %s "$OUT") bytes)"
echo "$SHA  $OUT"
