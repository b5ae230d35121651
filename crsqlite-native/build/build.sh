#!/usr/bin/env bash
# Builds the cr-sqlite loadable extension that chora-crsqlite ships, offline from the registries
# this project can reach: the source from npm, the Rust crates, bindgen/libclang (and for cross
# targets rustc 1.63 with its standard library) from Debian, gcc/binutils from the machine.
# README.md beside this file explains each step.
#
#   build/build.sh [--target TRIPLE]        # into src/main/resources, updates manifest.properties
#   build/build.sh [--target TRIPLE] --out FILE --work DIR   # elsewhere (verify.sh uses this)
#
# TRIPLE: x86_64-unknown-linux-gnu (default; rustup's toolchain, CHORA_RUST_TOOLCHAIN or stable),
# aarch64-unknown-linux-gnu or x86_64-pc-windows-gnu (Debian's rustc 1.63 and a cross gcc).
set -euo pipefail

CRSQLITE_VERSION=0.16.3
NPM_PACKAGE="@vlcn.io/crsqlite@${CRSQLITE_VERSION}"
NPM_TGZ_SHA256=e16e462763ebe38c30a466e53b979dc2464de1e2ebc0e2255c04266ca232a012
# npm stores every file of a tarball with this mtime (1985-10-26T08:15:00Z); use it as the epoch.
export SOURCE_DATE_EPOCH=499162500
# Debian 12 (bookworm) packages, pinned. apt verifies them against the signed archive index.
CRATE_DEBS=(
  librust-autocfg-dev=1.1.0-1 librust-bytes-dev=1.2.1-1 librust-num-derive-dev=0.3.0-1
  librust-num-traits-dev=0.2.15-1 librust-proc-macro2-dev=1.0.47-1 librust-quote-dev=1.0.21-1
  librust-syn-dev=1.0.107-1 librust-unicode-ident-dev=1.0.0-1+b1
)
TOOL_DEBS=(bindgen=0.60.1-2+b2 libclang1-14=1:14.0.6-12 libclang-common-14-dev=1:14.0.6-12)
# rustc/cargo 1.63 and the libraries cargo needs beyond the base system.
DEBIAN_RUST_DEBS=(
  rustc=1.63.0+dfsg1-2 cargo=0.66.0+ds1-1 libstd-rust-1.63=1.63.0+dfsg1-2
  libstd-rust-dev=1.63.0+dfsg1-2 libgit2-1.5=1.5.1+ds-1+deb12u2 libhttp-parser2.9=2.9.4-5
  libmbedcrypto7=2.28.3-1 libmbedtls14=2.28.3-1 libmbedx509-1=2.28.3-1
)
# The rustup toolchain the committed x86_64 binary was built with; another one builds a working
# binary with a different sha256 (verify.sh then reports the mismatch).
EXPECTED_RUSTC="rustc 1.95.0 (59807616e 2026-04-14)"

TARGET=x86_64-unknown-linux-gnu
OUT=
WORK="${TMPDIR:-/tmp}/chora-crsqlite-build"
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    *) echo "usage: $0 [--target TRIPLE] [--out FILE] [--work DIR]" >&2; exit 2 ;;
  esac
done
STD_DEBS=() APT_OPTS=()
case "$TARGET" in
  x86_64-unknown-linux-gnu)
    PLATFORM=Linux/x86_64 LIB=libcrsqlite.so CC=gcc STRIP=strip RUST=rustup CC_DEBS="gcc" ;;
  aarch64-unknown-linux-gnu)
    PLATFORM=Linux/aarch64 LIB=libcrsqlite.so RUST=debian
    CC=aarch64-linux-gnu-gcc STRIP=aarch64-linux-gnu-strip
    CC_DEBS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
    STD_DEBS=(libstd-rust-dev:arm64=1.63.0+dfsg1-2)
    APT_OPTS=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64) ;;
  x86_64-pc-windows-gnu)
    PLATFORM=Windows/x86_64 LIB=crsqlite.dll RUST=debian
    CC=x86_64-w64-mingw32-gcc-posix STRIP=x86_64-w64-mingw32-strip
    CC_DEBS="gcc-mingw-w64-x86-64-posix"
    STD_DEBS=(libstd-rust-dev-windows=1.63.0+dfsg1-2) ;;
  *) echo "build.sh: unsupported target $TARGET" >&2; exit 2 ;;
esac
RUST_DEBS=()
[ "$RUST" = debian ] && RUST_DEBS=("${DEBIAN_RUST_DEBS[@]}" "${STD_DEBS[@]}")

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE_DIR="$(dirname "$HERE")/src/main/resources/io/chora/crsqlite/native"
UPDATE_MANIFEST=0
[ -z "$OUT" ] && OUT="$NATIVE_DIR/$PLATFORM/$LIB" && UPDATE_MANIFEST=1
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
DL="$WORK/downloads"
log() { printf '[build.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 0. Tools. The C compiler for the target (cross compilers are installed when missing, as root).
for tool in npm apt-get dpkg patch sha256sum tar; do
  command -v "$tool" >/dev/null || { echo "build.sh: '$tool' is required" >&2; exit 1; }
done
if ! command -v "$CC" >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "build.sh: needs $CC: apt-get install $CC_DEBS" >&2; exit 1; }
  log "apt-get install $CC_DEBS"
  apt-get install -y -q --no-install-recommends $CC_DEBS >/dev/null
fi

# 1. Source: the npm package holds the C sources and the whole Rust workspace.
mkdir -p "$DL/debs"
TGZ="$DL/vlcn.io-crsqlite-${CRSQLITE_VERSION}.tgz"
if [ ! -f "$TGZ" ]; then
  log "npm pack $NPM_PACKAGE"
  (cd "$DL" && npm pack --silent "$NPM_PACKAGE" >/dev/null)
fi
echo "$NPM_TGZ_SHA256  $TGZ" | sha256sum --quiet -c - ||
  { echo "build.sh: $TGZ does not have the pinned sha256" >&2; exit 1; }

# 2. Debian packages: the crates (as a cargo directory source), bindgen + libclang, and for
#    cross targets rustc 1.63 with the target's standard library. Extracted, never installed.
fetch_debs() {
  # _apt cannot write into root-owned temp dirs; apt then downloads unsandboxed and warns.
  local rc=0
  (cd "$DL/debs" && apt-get "${APT_OPTS[@]}" download -q "$@") >"$WORK/apt.log" 2>&1 || rc=$?
  grep -v -e '^W: Download is performed unsandboxed' "$WORK/apt.log" >&2 || true
  return $rc
}
deb_file() { # NAME[:ARCH]=VERSION -> the .deb apt-get download wrote (epoch ':' becomes %3a)
  local name="${1%%=*}" version="${1#*=}" archs="$(dpkg --print-architecture) all" arch
  [[ "$name" == *:* ]] && archs="${name#*:}" name="${name%%:*}"
  for arch in $archs; do
    [ -f "$DL/debs/${name}_${version/:/%3a}_${arch}.deb" ] &&
      echo "$DL/debs/${name}_${version/:/%3a}_${arch}.deb" && return
  done
  return 0
}
ALL_DEBS=("${CRATE_DEBS[@]}" "${TOOL_DEBS[@]}" "${RUST_DEBS[@]}")
missing=()
for pkg in "${ALL_DEBS[@]}"; do
  [ -n "$(deb_file "$pkg")" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get download ${missing[*]}"
  if ! fetch_debs "${missing[@]}"; then
    log "apt-get update (package lists missing or stale)"
    apt-get "${APT_OPTS[@]}" update -q >/dev/null
    fetch_debs "${missing[@]}"
  fi
fi
rm -rf "$WORK/debian" "$WORK/vendor"
for pkg in "${ALL_DEBS[@]}"; do
  dpkg -x "$(deb_file "$pkg")" "$WORK/debian"
done
mkdir -p "$WORK/vendor"
for crate in "$WORK"/debian/usr/share/cargo/registry/*/; do
  dest="$WORK/vendor/$(basename "$crate")"
  cp -r "$crate" "$dest"
  # cargo's directory sources need a checksum file; an empty file map skips per-file checks.
  [ -f "$dest/.cargo-checksum.json" ] || echo '{"files":{},"package":null}' >"$dest/.cargo-checksum.json"
done
if [ "$RUST" = rustup ]; then
  TOOLCHAIN="${CHORA_RUST_TOOLCHAIN:-stable}"
  CARGO="$(rustup which --toolchain "$TOOLCHAIN" cargo)"
  RUSTC="$(rustup which --toolchain "$TOOLCHAIN" rustc)"
  [ "$("$RUSTC" --version)" = "$EXPECTED_RUSTC" ] ||
    log "warning: $("$RUSTC" --version) is not $EXPECTED_RUSTC: expect another sha256"
else
  # Debian's rustc finds its sysroot (usr/lib/rustlib/<target>) next to its binary.
  CARGO="$WORK/debian/usr/bin/cargo" RUSTC="$WORK/debian/usr/bin/rustc"
  export LD_LIBRARY_PATH="$WORK/debian/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# 3. Unpack, patch, and remove what pins the 2023 nightly or crates.io.
SRC="$WORK/src"
rm -rf "$SRC" && mkdir -p "$SRC"
tar -xzf "$TGZ" -C "$SRC" --strip-components=1
PATCHES=("$HERE"/patches/*.patch)
[ "$RUST" = debian ] && PATCHES+=("$HERE"/patches/rustc-1.63/*.patch)
for p in "${PATCHES[@]}"; do
  log "patch $(basename "$p")"
  patch -p1 -d "$SRC" --no-backup-if-mismatch -s <"$p"
done
rm -f "$SRC/rs/sqlite-rs-embedded/sqlite3_capi/build.rs"
find "$SRC/rs" \( -name rust-toolchain.toml -o -name Cargo.lock \) -delete
rm -rf "$SRC"/rs/*/target

# 4. Bindings for this target, from the 3.45 headers the Rust side was written against.
CLANG_ROOT="$WORK/debian/usr/lib/llvm-14"
log "bindgen $("$WORK/debian/usr/bin/bindgen" --version) for $TARGET"
(cd "$SRC/rs/sqlite-rs-embedded/sqlite3_capi" &&
  LIBCLANG_PATH="$CLANG_ROOT/lib" "$WORK/debian/usr/bin/bindgen" \
    --use-core --ctypes-prefix ::core::ffi --no-rustfmt-bindings --no-layout-tests \
    wrapper.h -o src/bindings.rs -- \
    -fvisibility=default --target="$TARGET" \
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
  "$CARGO" build --quiet --release --target "$TARGET" -p crsql_bundle_static \
    --features crsql_bundle_static/loadable_extension 2>"$WORK/cargo.log") ||
  { cat "$WORK/cargo.log" >&2; exit 1; }
RUST_LIB="$SRC/rs/target/$TARGET/release/libcrsql_bundle_static.a"

# 6. The C part, linked with the Rust library into one shared object that exports only the entry
#    point (SQLite dlopens extensions RTLD_GLOBAL). unwind_stub.c: see the comment in it.
log "$CC $("$CC" -dumpfullversion)"
cp "$HERE/unwind_stub.c" "$SRC/src/chora_unwind_stub.c"
if [ "$PLATFORM" = Windows/x86_64 ]; then
  printf 'EXPORTS\n    sqlite3_crsqlite_init\n' >"$WORK/exports.def"
  # auto image base hashes the output path; the PE timestamp would be the build time
  LINK=("$WORK/exports.def" -static-libgcc -Wl,--no-insert-timestamp -Wl,--disable-auto-image-base)
else
  printf '{\n  global: sqlite3_crsqlite_init;\n  local: *;\n};\n' >"$WORK/exports.map"
  LINK=(-fPIC -Wl,--version-script="$WORK/exports.map" -Wl,--as-needed -Wl,--build-id=sha1)
fi
(cd "$SRC" && "$CC" -O2 -g0 -std=c99 -shared -Wall -Wno-unused \
  -ffunction-sections -fdata-sections -ffile-prefix-map="$SRC"=. \
  -I src -I src/sqlite src/crsqlite.c src/changes-vtab.c src/ext-data.c src/chora_unwind_stub.c \
  "$RUST_LIB" "${LINK[@]}" -Wl,--gc-sections -Wl,-O1 -o "$WORK/$LIB" 2>"$WORK/cc.log") ||
  { cat "$WORK/cc.log" >&2; exit 1; }
"$STRIP" --strip-all "$WORK/$LIB"

# 7. Install it and record its hash in the manifest (entries sorted, so the file is stable).
mkdir -p "$(dirname "$OUT")"
cp "$WORK/$LIB" "$OUT"
SHA="$(sha256sum "$OUT" | cut -d' ' -f1)"
if [ "$UPDATE_MANIFEST" = 1 ]; then
  MANIFEST="$NATIVE_DIR/manifest.properties"
  touch "$MANIFEST"
  {
    grep -v -e '^#' -e '^source\.' -e '^platforms=' -e "^$PLATFORM\." "$MANIFEST" || true
    echo "$PLATFORM.file=$PLATFORM/$LIB"
    echo "$PLATFORM.sha256=$SHA"
    echo "$PLATFORM.toolchain=$("$RUSTC" --version), $("$CC" --version | head -1)"
  } | sort >"$WORK/entries"
  {
    echo "# cr-sqlite loadable extensions inside this jar, written by build/build.sh."
    echo "# <os>/<arch> are sqlite-jdbc's folder names (org/sqlite/native/<os>/<arch>)."
    echo "source.package=@vlcn.io/crsqlite"
    echo "source.version=$CRSQLITE_VERSION"
    echo "platforms=$(sed -n 's|\.file=.*||p' "$WORK/entries" | paste -sd, -)"
    cat "$WORK/entries"
  } >"$MANIFEST"
fi
log "$OUT ($(stat -c %s "$OUT") bytes)"
echo "$SHA  $OUT"
