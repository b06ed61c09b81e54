# postamt: `make run` builds a release binary and starts a development server in ./var;
# `make test` builds with ASan+UBSan and runs every unit and integration test through ctest.
JOBS ?= $(shell nproc)
DATA ?= var
HOSTNAME_ARG ?= localhost

.PHONY: all deps build run test bench clean

all: build

deps:
	@scripts/install-deps.sh build

build: deps
	@cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOSTAMT_TESTS=OFF >/dev/null
	@cmake --build build -j $(JOBS)

run: build
	@scripts/dev-run.sh build/postamt $(DATA)

test:
	@scripts/install-deps.sh test
	@cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPOSTAMT_SANITIZE=ON \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
	@cmake --build build-test -j $(JOBS)
	@cd build-test && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/install-deps.sh bench
	@bench/run.sh build/postamt

clean:
	rm -rf build build-test
