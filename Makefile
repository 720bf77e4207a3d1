# lbp: the two set-up commands are `make run` and `make test`; both install what is missing first.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PIPELINES := Pipelines/sample-castor.yml Pipelines/sample-redcap.yml

.PHONY: run test bench deps clean

## deps: install libcsv (Debian package libcsv-dev) when its header is missing.
deps:
	@if [ ! -f /usr/include/csv.h ]; then \
	  echo "Installing libcsv-dev (the C CSV parser lbp is built on)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcsv-dev; \
	fi

## run: build (release) and run the sample pipelines; reports go to Reports/<pipeline name>.
run: deps
	$(SWIFT) build -c release --product lbp
	@for pipeline in $(PIPELINES); do \
	  "$$($(SWIFT) build -c release --show-bin-path)/lbp" run "$$pipeline" || exit $$?; \
	done
	@echo "Reports are in Reports/sample-castor and Reports/sample-redcap; start with summary.txt"

## test: build and run every test, then prove the committed reports reproduce byte for byte.
test: deps
	$(SWIFT) test
	$(SWIFT) build --product lbp
	@for pipeline in $(PIPELINES); do \
	  "$$($(SWIFT) build --show-bin-path)/lbp" verify "$$pipeline" || exit $$?; \
	done

## bench: throughput and memory of the reader and the pipeline on generated ~200 MB batches.
bench: deps
	./Benchmarks/run.sh

clean:
	rm -rf .build
