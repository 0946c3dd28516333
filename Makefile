# make bench: seed a temporary SQLite database, start the server, run the
# side-by-side comparisons with wrk (bare hello, the bare stack doing the
# list, Nurture's list cold and conditional, pages, writes; needs wrk:
# apt-get install -y wrk), the mixed load, the reads-only and writes-only
# phases and the two baselines (bare net/http, raw SQLite), and write the
# tables into BENCHMARKS.md. make bench-side runs only the wrk comparisons.
# Sizes and lengths can be changed: make bench BENCH_FAMILIES=1000
# To reuse a seeded database across runs: make bench BENCH_DATA=/tmp/nurture-bench-data
BENCH_FAMILIES ?= 200
BENCH_MONTHS   ?= 6
BENCH_DURATION ?= 20s
BENCH_WORKERS  ?= 32
BENCH_BIN      ?= $(or $(TMPDIR),/tmp)/nurture-bench-bin
BENCH_DATA     ?=
BENCH_WRK      ?= 10s

.PHONY: bench
bench:
	go build -o $(BENCH_BIN) ./cmd/nurture
	$(BENCH_BIN) bench all --families $(BENCH_FAMILIES) --months $(BENCH_MONTHS) \
		--duration $(BENCH_DURATION) --workers $(BENCH_WORKERS) --wrk-duration $(BENCH_WRK) --out BENCHMARKS.md \
		$(if $(BENCH_DATA),--data $(BENCH_DATA))

.PHONY: bench-side
bench-side:
	go build -o $(BENCH_BIN) ./cmd/nurture
	$(BENCH_BIN) bench side --families $(BENCH_FAMILIES) --months $(BENCH_MONTHS) \
		--wrk-duration $(BENCH_WRK) --out BENCHMARKS.md $(if $(BENCH_DATA),--data $(BENCH_DATA))

# make release: static binaries for the machines a family's server runs on
# (a Linux server or NAS, a Raspberry Pi, a Mac), stamped with the version
# (the nearest tag, or the commit) and the commit; `nurture version` says
# both. VERSION=v1.2.0 make release to name it yourself.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
RELEASE_DIR ?= dist
RELEASE_TARGETS = linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
LDFLAGS = -s -w -X nurture/internal/cli.Version=$(VERSION) -X nurture/internal/cli.Commit=$(COMMIT)

.PHONY: release
release:
	mkdir -p $(RELEASE_DIR)
	$(foreach t,$(RELEASE_TARGETS),CGO_ENABLED=0 GOOS=$(word 1,$(subst /, ,$(t))) GOARCH=$(word 2,$(subst /, ,$(t))) \
		go build -trimpath -ldflags "$(LDFLAGS)" -o $(RELEASE_DIR)/nurture-$(VERSION)-$(subst /,-,$(t)) ./cmd/nurture &&) true
	cd $(RELEASE_DIR) && sha256sum nurture-$(VERSION)-* > SHA256SUMS
