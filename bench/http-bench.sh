#!/usr/bin/env bash
# The HTTP benchmark (issue 18): the same servlet on Jetty 12 behind no security, Gatehouse (each
# credential kind, on H2 and PostgreSQL), Spring Security 7 and Shiro 2, each driven in turn by wrk.
# Prints the table and writes docs/bench/http.md and docs/bench/http.png. Needs `apt-get install wrk`
# and PostgreSQL at 127.0.0.1:5432 (db test, user postgres; or pass --no-postgres). Run by hand,
# never in CI. Options go to dev.gatehouse.bench.http.HttpBenchmark, e.g. --duration 10 --rounds 3.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "http-bench: wrk is missing; install it with: apt-get install wrk" >&2; exit 1; }
mvn -B -q -pl bench -am package -DskipTests
exec java -Xms1g -Xmx1g -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp bench/target/benchmarks.jar dev.gatehouse.bench.http.HttpBenchmark "$@"
