#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: a fresh data directory in a temp
# dir, trust auth, fsync off, TCP on 127.0.0.1 only. Starts in about a second.
#
#   eval "$(.ci/pg-throwaway.sh start)"   # exports NURTURE_TEST_POSTGRES and NURTURE_PG_DIR
#   go test ./internal/store/...
#   .ci/pg-throwaway.sh stop "$NURTURE_PG_DIR"
#
# `start [PORT]` prints only the export lines on stdout (progress goes to
# stderr); the port defaults to the first free one from 55432. As root, the
# server runs as the postgres user (initdb refuses root); otherwise as you.
# Needs the server binaries: apt-get install -y postgresql.
set -euo pipefail

pg_bin() {
	local dirs=(/usr/lib/postgresql/*/bin)
	if [[ ! -x "${dirs[-1]}/initdb" ]]; then
		echo "pg-throwaway: no /usr/lib/postgresql/*/bin/initdb; run: apt-get install -y postgresql" >&2
		return 1
	fi
	# The glob sorts versions as text; fine while they all have two digits.
	echo "${dirs[-1]}"
}

# as_owner CMD runs a shell command as the owner of the cluster.
as_owner() {
	if [[ $(id -u) == 0 ]]; then
		su postgres -s /bin/sh -c "$1"
	else
		sh -c "$1"
	fi
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
	local bin port dir
	bin=$(pg_bin)
	port=${1:-55432}
	if [[ -z ${1:-} ]]; then
		while port_in_use "$port"; do port=$((port + 1)); done
	fi
	dir=$(mktemp -d /tmp/nurture-pg.XXXXXX)
	if [[ $(id -u) == 0 ]]; then chown postgres "$dir"; fi
	as_owner "$bin/initdb -D $dir/data -A trust -U postgres --no-sync" >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1; }
	if ! as_owner "$bin/pg_ctl -D $dir/data -l $dir/log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' start" >&2; then
		cat "$dir/log" >&2 || true
		rm -rf "$dir"
		return 1
	fi
	echo "pg-throwaway: PostgreSQL ($bin) on 127.0.0.1:$port, data in $dir" >&2
	echo "export NURTURE_PG_DIR=$dir"
	echo "export NURTURE_TEST_POSTGRES='postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable'"
}

stop() {
	local dir=${1:?usage: pg-throwaway.sh stop DIR}
	[[ -d $dir ]] || return 0
	if [[ -f $dir/data/postmaster.pid ]]; then
		as_owner "$(pg_bin)/pg_ctl -D $dir/data -m fast -w stop" >&2 || true
	fi
	rm -rf "$dir"
}

case ${1:-} in
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) echo "usage: $0 start [PORT] | stop DIR" >&2; exit 2 ;;
esac
