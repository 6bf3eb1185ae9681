#!/usr/bin/env bash
# Relay benchmark: drain of a 200,000-row backlog and commit-to-consume latency at a steady rate,
# with Postgres, Kafka and the relay as separate processes on this machine. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: the relay jar, the harness, and the harness's class path pointing at the
# jars just built (not at whatever an earlier install left in ~/.m2).
./mvnw -B -pl outbox-relay,benchmarks -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.orderoutbox.benchmarks.RelayBenchmark "$@"
