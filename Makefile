# make bench: seed a temporary SQLite database, start the server, run the
# mixed load, the reads-only and writes-only phases and the two baselines
# (bare net/http, raw SQLite), and write the table into BENCHMARKS.md.
# Sizes and lengths can be changed: make bench BENCH_FAMILIES=1000
# To reuse a seeded database across runs: make bench BENCH_DATA=/tmp/nurture-bench-data
BENCH_FAMILIES ?= 200
BENCH_MONTHS   ?= 6
BENCH_DURATION ?= 20s
BENCH_WORKERS  ?= 32
BENCH_BIN      ?= $(or $(TMPDIR),/tmp)/nurture-bench-bin
BENCH_DATA     ?=

.PHONY: bench
bench:
	go build -o $(BENCH_BIN) ./cmd/nurture
	$(BENCH_BIN) bench all --families $(BENCH_FAMILIES) --months $(BENCH_MONTHS) \
		--duration $(BENCH_DURATION) --workers $(BENCH_WORKERS) --out BENCHMARKS.md \
		$(if $(BENCH_DATA),--data $(BENCH_DATA))
