#!/usr/bin/env bash
# The README's two commands, each run first on a "fresh machine" (`make test-fresh`, part of
# `make test`, so CI runs it):
#   - a fresh `git clone` of HEAD (no node_modules, no pkg/, no target/);
#   - a RUSTUP_HOME copied with hard links from the real one, with the wasm32 target removed
#     from the copy (what a new Debian machine with rustup lacks; the failure was
#     `can't find crate for core`);
#   - CARGO_TARGET_DIR set to a folder outside the clone (the failure was the Makefile reading
#     `target/wasm32-unknown-unknown/...`).
# Then, in the clone:
#   1. `make demo` on a spare port, in the background, until it serves the page and the core
#      wasm module over http on 127.0.0.1; then it is stopped;
#   2. the clone cleaned back to a fresh checkout (`git clean -xdf`) and the wasm32 target
#      removed again; `make -n test` must run scripts/setup.sh before any other command, then
#      `make build-wasm` (test-native's wasm builds, where a fresh machine failed) must pass.
#      `make pkg`, the other part of make test's build path, already ran fresh in step 1.
#
# Kept cheap for CI, so it does NOT cover (honestly):
#   - a cold compile: CARGO_TARGET_DIR is this checkout's own, already warm target folder, and
#     the real CARGO_HOME (registry cache, ~/.cargo/bin) is used, so only the crate itself is
#     compiled again;
#   - wasm-bindgen-cli being installed from scratch (it is already in ~/.cargo/bin; setup.sh's
#     version check is all that runs) — a cold install takes 3–5 min;
#   - `npm ci` without a warm npm cache, and apt (chromium) on a machine that lacks it;
#   - the rest of `make test` (fmt, clippy, cargo test, wasm tests, package and page tests),
#     which the enclosing `make test` runs in this checkout anyway;
#   - uncommitted changes: the clone is of HEAD.
# It does download the wasm32 rust-std once per round (rustup target add, as on a new machine).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# The clone's own `make test` would call this again.
if [ -n "${COHORTLENS_FRESH_CLONE:-}" ]; then
  echo "test-fresh: inside a fresh-clone check; skipped"
  exit 0
fi

WASM=wasm32-unknown-unknown
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
REAL_RUSTUP_HOME=$(rustup show home)
TOOLCHAIN=$(rustup show active-toolchain | cut -d' ' -f1)
TOOLCHAIN_DIR=$(readlink -f "$REAL_RUSTUP_HOME/toolchains/$TOOLCHAIN")
[ -d "$TOOLCHAIN_DIR" ] || { echo "test-fresh: toolchain $TOOLCHAIN not found" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cohortlens-fresh.XXXXXX")
DEMO_PID=""
cleanup() {
  if [ -n "$DEMO_PID" ]; then kill -- "-$DEMO_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
log() { echo "test-fresh: $*"; }
t0=$SECONDS

# A rustup home like the real one, without the wasm32 target. The toolchain's files are hard
# links (cheap); every file rustup rewrites in place is a real copy first, so that removing the
# target from the copy cannot touch the real installation (checked below).
fresh_rustup() {
  local home=$TMP/rustup
  rm -rf "$home"
  mkdir -p "$home/toolchains"
  cp "$REAL_RUSTUP_HOME/settings.toml" "$home/"
  cp -al "$TOOLCHAIN_DIR" "$home/toolchains/$TOOLCHAIN" 2>/dev/null ||
    cp -a "$TOOLCHAIN_DIR" "$home/toolchains/$TOOLCHAIN"
  find "$home/toolchains/$TOOLCHAIN/lib/rustlib" -maxdepth 1 -type f | while read -r f; do
    cp "$f" "$f.copy" && mv "$f.copy" "$f"
  done
  RUSTUP_HOME=$home RUSTUP_TOOLCHAIN=$TOOLCHAIN rustup target remove "$WASM" >/dev/null 2>&1 || true
  if RUSTUP_HOME=$home RUSTUP_TOOLCHAIN=$TOOLCHAIN rustup target list --installed | grep -qx "$WASM"; then
    echo "test-fresh: could not remove $WASM from the rustup copy" >&2; exit 1
  fi
  if ! rustup target list --installed | grep -qx "$WASM" || [ ! -d "$TOOLCHAIN_DIR/lib/rustlib/$WASM" ]; then
    echo "test-fresh: the REAL rustup lost $WASM (run: rustup target add $WASM)" >&2; exit 1
  fi
}

# The environment of a fresh machine, apart from the warm caches named above.
in_clone() {
  (cd "$TMP/clone" && env RUSTUP_HOME="$TMP/rustup" RUSTUP_TOOLCHAIN="$TOOLCHAIN" \
    CARGO_TARGET_DIR="$TARGET_DIR" COHORTLENS_FRESH_CLONE=1 "$@")
}

git clone --quiet "$ROOT" "$TMP/clone"
log "clone of $(git -C "$TMP/clone" rev-parse --short HEAD) in $TMP/clone; CARGO_TARGET_DIR=$TARGET_DIR"
if [ -e "$TMP/clone/node_modules" ] || [ -e "$TMP/clone/pkg" ]; then
  echo "test-fresh: the clone is not fresh" >&2; exit 1
fi

# --- 1. make demo ----------------------------------------------------------------------------
fresh_rustup
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
log "make demo PORT=$PORT (without the wasm32 target)"
# Its own process group (setsid), so that make and its server stop together.
(cd "$TMP/clone" && exec setsid env RUSTUP_HOME="$TMP/rustup" RUSTUP_TOOLCHAIN="$TOOLCHAIN" \
  CARGO_TARGET_DIR="$TARGET_DIR" COHORTLENS_FRESH_CLONE=1 make demo PORT="$PORT") >"$TMP/demo.log" 2>&1 &
DEMO_PID=$!
served=""
while kill -0 "$DEMO_PID" 2>/dev/null; do
  if curl -sf "http://127.0.0.1:$PORT/" -o "$TMP/index.html" 2>/dev/null; then served=1; break; fi
  sleep 2
done
if [ -z "$served" ]; then
  tail -n 40 "$TMP/demo.log" >&2
  echo "test-fresh: make demo stopped before serving the page" >&2; exit 1
fi
grep -q "cohort-lens" "$TMP/index.html" || { echo "test-fresh: the page lacks <cohort-lens>" >&2; exit 1; }
ctype=$(curl -sf -o "$TMP/core.wasm" -w '%{content_type}' "http://127.0.0.1:$PORT/pkg/cohortlens_core_bg.wasm")
[ "$ctype" = application/wasm ] || { echo "test-fresh: wasm served as '$ctype'" >&2; exit 1; }
[ "$(head -c 4 "$TMP/core.wasm" | od -An -tx1 | tr -d ' ')" = 0061736d ] ||
  { echo "test-fresh: the served core module is not wasm" >&2; exit 1; }
kill -- "-$DEMO_PID" 2>/dev/null || true
wait "$DEMO_PID" 2>/dev/null || true
DEMO_PID=""
# setup.sh added the target (rustup names the component it installs).
grep -q "rust-std" "$TMP/demo.log" || { echo "test-fresh: setup did not add $WASM" >&2; exit 1; }
log "make demo served the page and the wasm ($((SECONDS - t0)) s so far)"

# --- 2. make test's first part -----------------------------------------------------------------
git -C "$TMP/clone" clean -xdfq
fresh_rustup
first=$(in_clone make -n test | grep -v '^make' | head -n 1)
[ "$first" = "scripts/setup.sh" ] ||
  { echo "test-fresh: make test's first command is '$first', not scripts/setup.sh" >&2; exit 1; }
log "make build-wasm (without the wasm32 target)"
if ! in_clone make build-wasm >"$TMP/test.log" 2>&1; then
  tail -n 60 "$TMP/test.log" >&2
  echo "test-fresh: make build-wasm failed on the fresh clone" >&2; exit 1
fi
grep -q "rust-std" "$TMP/test.log" || { echo "test-fresh: setup did not add $WASM" >&2; exit 1; }
log "ok ($((SECONDS - t0)) s)"
