# lbp: the two set-up commands are `make run` and `make test`; both install what is missing first.

SWIFT ?= swift
BUILD_FLAGS ?= -c release
LBP = .build/release/lbp
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test bench deps build clean

## deps: install libcsv (Debian package libcsv-dev) when its header is missing.
deps:
	@if [ ! -f /usr/include/csv.h ]; then \
	  echo "Installing libcsv-dev (the C CSV parser lbp is built on)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcsv-dev; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product lbp

## run: build and run the sample pipelines.
run: build
	$(LBP) sample-data --out SampleData --check

## test: build and run every test.
test: deps
	$(SWIFT) test --parallel

## bench: throughput and memory of the reader and the pipeline on a ~200 MB batch.
bench: build
	./Benchmarks/run.sh

clean:
	rm -rf .build
