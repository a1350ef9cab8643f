#!/usr/bin/env bash
# The HTTP benchmark (issue 18): the same servlet on Jetty 12 behind no security, Gatehouse (each
# credential kind, on H2 and on PostgreSQL), Spring Security 7 and Shiro 2 doing the same jobs, each
# driven in turn by wrk in one run. Prints the table and writes docs/bench/http.md and
# docs/bench/http.png. Needs `apt-get install wrk`, and PostgreSQL at 127.0.0.1:5432 (database test,
# user postgres; or pass --no-postgres). Run by hand, never in CI. Options are passed on to
# dev.gatehouse.bench.http.HttpBenchmark, e.g. --slices 6 --slice 2 --rounds 3 --only 'Gatehouse'.
#
# On a shared machine other builds would starve the benchmark: run as root, it starts itself in a
# session of its own and raises that session's scheduling group (autogroup nice -15), which touches
# no other process. Set GATEHOUSE_BENCH_PRIORITY=0 to run at normal priority.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${GATEHOUSE_BENCH_PRIORITY:-1}" = 1 ] && [ "$(id -u)" = 0 ] && [ -w /proc/self/autogroup ]; then
  GATEHOUSE_BENCH_PRIORITY=own-group setsid --wait "$0" "$@" &
  child=$!
  trap 'kill -- -"$child" 2>/dev/null || true' INT TERM
  wait "$child"
  exit $?
fi
if [ "${GATEHOUSE_BENCH_PRIORITY:-}" = own-group ]; then
  echo -15 > /proc/self/autogroup && echo "http-bench: own scheduling group at nice -15"
fi
command -v wrk >/dev/null || { echo "http-bench: wrk is missing; install it with: apt-get install wrk" >&2; exit 1; }
mvn -B -q -pl bench -am package -DskipTests
# 4 GiB: Shiro 2 hashes with Argon2id by default, and 32 logins at once exhaust a 1 GiB heap.
exec java -Xms1g -Xmx4g -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  ${GATEHOUSE_BENCH_JAVA_OPTS:-} -cp bench/target/benchmarks.jar dev.gatehouse.bench.http.HttpBenchmark "$@"
