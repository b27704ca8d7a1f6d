#!/usr/bin/env bash
# Installs every tool the build and the tests need, idempotently: a step whose tool is already
# present at the right version does nothing. Used by `make` targets and CI (.ci/run).
#   scripts/setup.sh            build tools (wasm target, wasm-bindgen-cli, npm packages)
#   scripts/setup.sh --browser  also Debian's chromium and chromium-driver (browser tests), and
#                               poppler-utils (the print test reads its PDF back)
#   scripts/setup.sh --warehouse  also DuckDB and PySpark in a virtual environment kept in the
#                                 user's cache (shared by every clone), and Debian's OpenJDK 17
#                                 for Spark (make test-warehouse)
#   scripts/setup.sh --warehouse-python  only prints that environment's python
set -euo pipefail
cd "$(dirname "$0")/.."

# The warehouse tests' engines, pinned, in a virtual environment outside the clone so that a
# fresh clone on the same machine reuses it.
WAREHOUSE_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/cohortlens/warehouse-venv-duckdb2.0.0-pyspark4.0.1"
if [ "${1:-}" = "--warehouse-python" ]; then
  echo "$WAREHOUSE_VENV/bin/python"
  exit 0
fi

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the crate's pinned version. `--locked` is deliberately absent: the CLI's
# lock file wants a webpki-roots version the registry lacks (TOOLCHAIN.md).
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ]; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm packages (binaryen's wasm-opt, TypeScript, playwright-core, apache-arrow) from the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--warehouse" ]; then
  if ! command -v java >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  fi
  if [ ! -x "$WAREHOUSE_VENV/bin/python" ] || ! "$WAREHOUSE_VENV/bin/python" -c "import duckdb, pyspark" 2>/dev/null; then
    rm -rf "$WAREHOUSE_VENV"
    python3 -m venv "$WAREHOUSE_VENV"
    # No pip cache: the venv is the cache, and a second copy of PySpark would only take disk.
    "$WAREHOUSE_VENV/bin/pip" install -q --no-cache-dir duckdb==2.0.0 pyspark==4.0.1
  fi
fi

if [ "${1:-}" = "--browser" ]; then
  # A CJK font so that Chinese renders in the page screenshots; poppler's pdftotext and
  # pdftoppm read the printed report back (pkg-tests/page/everyone.test.mjs).
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
    || [ ! -d /usr/share/fonts/truetype/wqy ] || ! command -v pdftotext >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      chromium chromium-driver fonts-wqy-microhei poppler-utils >/dev/null
  fi
fi
