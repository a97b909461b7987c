# reshelf — `make test` and `make demo` first run `setup`, which installs whatever is missing
# and is a no-op when everything is there.

SHELL := /bin/bash
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)
WASM_TARGET := wasm32-unknown-unknown
WASM_RELEASE := target/$(WASM_TARGET)/release
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-reference-types --enable-multivalue --enable-mutable-globals \
	--strip-debug --strip-producers
# The SDK's two modules link a standard library compiled from its own source (the toolchain's
# rust-src component) rather than the prebuilt one, with `optimize_for_size` (std's smaller
# algorithms) and `panic=immediate-abort` (a panic traps at once instead of formatting a
# message no page would see; reshelf.js treats a trap as before, going inert with one
# warning). `-Zlocation-detail=none` leaves out the source paths and lines that only panic
# messages used, and `-Zfmt-debug=none` the `Debug` formatting that only they and tests use
# (the SDK's messages are written with `Display`). All are unstable options of this stable
# compiler, allowed for these two builds only by RUSTC_BOOTSTRAP=1. On the capture module as
# shipped (BENCHMARKS.md, Build settings; `node bench/run.mjs --only sizes`), the prebuilt
# library without any of the four costs +9.5 KB gzip at cb81b96, and leaving out the last two
# alone +3.2 KB; the first two took the engine −17.2 KB gzip when they came in (size history,
# 8b8f563). `make build SIZE_STD=0` links the prebuilt library instead.
SIZE_STD ?= 1
ifeq ($(SIZE_STD),1)
SDK_CARGO := RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" cargo
SDK_STD := -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
else
SDK_CARGO := cargo
SDK_STD :=
endif
export CHROMEDRIVER ?= /usr/bin/chromedriver
export RESHELF_CHROMIUM ?= /usr/bin/chromium

.PHONY: setup build size-guard test test-rust test-wasm test-e2e lint demo bench clean-pkg

setup:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
	@if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_BINDGEN_VERSION)" ]; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund; fi
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; fi

# Two modules: capture (the `reshelf` crate, loaded first) and the model engine
# (`reshelf-engine`, loaded after first paint). build.mjs gives each a fingerprinted name in pkg/.
build: setup
	# Two invocations: built together, cargo would unify reshelf-core's features and compile
	# the capture module against a core with its models.
	$(SDK_CARGO) build --release --target $(WASM_TARGET) -p reshelf $(SDK_STD)
	$(SDK_CARGO) build --release --target $(WASM_TARGET) -p reshelf-engine $(SDK_STD)
	wasm-bindgen --target web --out-dir target/wasm-bindgen --out-name reshelf_capture $(WASM_RELEASE)/reshelf.wasm
	wasm-bindgen --target web --out-dir target/wasm-bindgen --out-name reshelf_engine $(WASM_RELEASE)/reshelf_engine.wasm
	node_modules/.bin/wasm-opt $(WASM_OPT_FLAGS) target/wasm-bindgen/reshelf_capture_bg.wasm -o target/wasm-bindgen/reshelf_capture.opt.wasm
	node_modules/.bin/wasm-opt $(WASM_OPT_FLAGS) target/wasm-bindgen/reshelf_engine_bg.wasm -o target/wasm-bindgen/reshelf_engine.opt.wasm
	node src/js/build.mjs

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p reshelf -p reshelf-engine --target $(WASM_TARGET) --all-targets -- -D warnings

test-rust:
	cargo test --workspace

test-wasm:
	cargo test -p reshelf -p reshelf-engine --target $(WASM_TARGET)

# The whole suite with the model engine in a worker (the default), then on the main thread.
test-e2e:
	cargo build -p reshelf-server
	node --test --test-concurrency=1 tests/e2e/
	RESHELF_E2E_ENGINE=main node --test --test-concurrency=1 tests/e2e/

# Each artefact's gzip size against bench/size-record.json (+5% at most).
size-guard: build
	node bench/size-guard.mjs

test: build size-guard lint test-rust test-wasm test-e2e

DEMO_ARGS := --addr 127.0.0.1:8080 --data-dir data --site demo=demo-public-key \
	--site demo-spa=demo-public-key --site kiosk=demo-public-key --admin-token demo-admin

demo: build
	cargo build --profile server -p reshelf-server
	@echo "storefront: http://127.0.0.1:8080/   dashboard: http://127.0.0.1:8080/dashboard#token=demo-admin"
	target/server/reshelf-server $(DEMO_ARGS)

# The peers measured against (TF.js, ONNX Runtime Web, posthog-js) are bench/package.json's,
# installed here only: `make test` does not need them.
bench: build
	@if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then \
		npm ci --prefix bench --no-audit --no-fund; fi
	@command -v twiggy >/dev/null || cargo install twiggy
	cargo build --release -p reshelf-server -p reshelf-train
	cargo build --profile server -p reshelf-server
	cargo build --profile server -p reshelf-server --example raw_insert --example session_summary
	node bench/run.mjs
