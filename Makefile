# The two commands of the README:
#   make demo   build the package and serve the demo page on http://127.0.0.1:8000/
#   make test   every test: native, wasm boundary (Node + Chromium), package, page
# Everything they need is installed by scripts/setup.sh (idempotent).

WASM_TARGET := wasm32-unknown-unknown
# Cargo's output folder, asked of cargo so that $CARGO_TARGET_DIR (or a build.target-dir in a
# cargo config) is honoured; ./target otherwise. Expanded only by the recipes that use it.
TARGET_DIR = $(or $(shell cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'),target)
WASM_OUT = $(TARGET_DIR)/$(WASM_TARGET)/wasm/cohortlens.wasm
PORT ?= 8000

.PHONY: setup pkg site demo test test-native build-wasm test-wasm test-pkg test-page test-bundlers test-fresh test-warehouse bench types

# Every target that builds depends on setup, so each README command installs what it needs
# (the wasm32 target first of all) before its first build, on a fresh machine too.
setup:
	scripts/setup.sh

# The npm package in pkg/: two optimised wasm modules (core: delimited text; full: also xlsx
# and Arrow, loaded only when needed), JS glue, worker and its client, the element (element.js,
# its modules in js/element/) and types.
pkg: setup
	rm -rf pkg && mkdir -p pkg
	cargo build --lib --profile wasm --target $(WASM_TARGET) --no-default-features
	wasm-bindgen --target web --out-dir pkg --out-name cohortlens_core \
		--remove-name-section --remove-producers-section $(WASM_OUT)
	cargo build --lib --profile wasm --target $(WASM_TARGET)
	wasm-bindgen --target web --out-dir pkg --out-name cohortlens_full \
		--remove-name-section --remove-producers-section $(WASM_OUT)
	for m in core full; do \
		node_modules/.bin/wasm-opt -Oz pkg/cohortlens_$${m}_bg.wasm -o pkg/cohortlens_$${m}_bg.wasm; done
	cp js/*.js js/*.d.ts js/package.json pkg/
	cp -r js/element pkg/element
	cp README.md pkg/README.md
	@scripts/wasm-size.sh pkg/cohortlens_core_bg.wasm
	@scripts/wasm-size.sh pkg/cohortlens_full_bg.wasm

# js/report.d.ts (the Report and Options types of index.d.ts) from the Rust types: ts-rs, in a
# test (src/typescript.rs). `cargo test` fails while the committed file is stale.
types:
	COHORTLENS_WRITE_TYPES=1 cargo test --lib typescript::report_d_ts_is_current

# The static site: the demo page (www/), a consumer of the package served beside it at pkg/
# (what `make demo` serves), and the list of files its service worker keeps for offline use.
site: pkg
	rm -rf target/site && mkdir -p target/site
	cp -r www/. target/site/
	cp -r pkg target/site/pkg
	cp examples/embed.html target/site/embed.html 2>/dev/null || true
	node scripts/precache.mjs target/site

demo: site
	node scripts/serve.mjs target/site $(PORT)

test: test-native test-wasm test-pkg test-page test-bundlers test-fresh test-warehouse

test-native: setup build-wasm
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --no-default-features -- -D warnings
	cargo test

# The warehouse SQL run by real engines over the golden fixtures' cleaned orders, and the
# Report of their result against the golden Reports (tests/warehouse.rs): DuckDB on every
# fixture, Spark in local mode (one JVM) on three. setup.sh --warehouse installs both once
# into a cached virtual environment (and Java when missing).
test-warehouse: setup
	scripts/setup.sh --warehouse
	COHORTLENS_WAREHOUSE_PYTHON=$$(scripts/setup.sh --warehouse-python) \
		cargo test --test warehouse -- --include-ignored

# The crate builds for wasm32 with and without the xlsx/Arrow features (debug profile).
build-wasm: setup
	cargo build --target $(WASM_TARGET)
	cargo build --target $(WASM_TARGET) --no-default-features

test-wasm: setup
	scripts/setup.sh --browser
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		cargo test --target $(WASM_TARGET) --test wasm_node
	CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		cargo test --target $(WASM_TARGET) --test wasm_browser

test-pkg: pkg
	node --test pkg-tests/node/

test-page: site
	scripts/setup.sh --browser
	node --test pkg-tests/page/

# An app using analyze() and <cohort-lens>, built from the `npm pack` tarball with Vite (dev and
# build), webpack, esbuild and Rollup as the README says, in headless Chromium. The bundlers are
# pinned in pkg-tests/bundlers/package-lock.json and installed once (`npm install --no-save`
# installs the lock's versions without rewriting it; `npm ci` refuses a lock that lacks an
# optional dependency the registry here does not have).
test-bundlers: pkg
	scripts/setup.sh --browser
	cd pkg-tests/bundlers && { [ node_modules/.package-lock.json -nt package-lock.json ] \
		|| npm install --no-save --no-audit --no-fund --loglevel=error; }
	node --test pkg-tests/bundlers/

# The README's two commands on a fresh machine (no wasm32 target, no node_modules, no pkg/,
# $CARGO_TARGET_DIR set): see scripts/test-fresh.sh for what it covers and what it does not.
test-fresh:
	scripts/test-fresh.sh

bench:
	bench/run.sh
