# Synod: the two commands of the quick start are `make demo` and `make test`.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
WERROR := ON
SOURCES = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null)

.PHONY: all deps build test test-release test-asan demo bench format format-check lint clean

all: build

deps:
	@scripts/install-deps

# build/synod is the CLI (release build).
build: deps
	@cmake --preset release -DSYNOD_WERROR=$(WERROR) >/dev/null
	@cmake --build --preset release -j$(JOBS)
	@ln -sf release/apps/synod/synod build/synod
	@echo "built build/synod"

# Everything: format check, release build with all tests (unit, sim, integration, boundaries),
# then the clang ASan+UBSan build with unit + sim tests and the bounded fuzzers.
test: deps format-check test-release test-asan
	@echo "make test: all suites passed"

test-release: build
	@ctest --preset release -j2 --timeout 600

test-asan: deps
	@cmake --preset asan-ubsan -DSYNOD_WERROR=$(WERROR) >/dev/null
	@cmake --build --preset asan-ubsan -j$(JOBS)
	@ctest --preset asan-ubsan -j2 --timeout 900

demo: build
	@scripts/demo

bench: build
	@scripts/bench

format:
	@clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run --Werror $(SOURCES) && echo "format: clean"

# clang-tidy reads the clang build's compile commands (the g++ ones carry g++-only flags).
lint: deps
	@cmake --preset asan-ubsan -DSYNOD_WERROR=$(WERROR) >/dev/null
	@clang-tidy -p build/asan-ubsan --quiet $(filter %.cpp,$(filter synod/%,$(SOURCES)))

clean:
	@rm -rf build
