#!/usr/bin/env bash
# Relay benchmark: drain of a 200,000-row backlog and commit-to-consume latency at a steady rate,
# with Postgres, Kafka and the relay as separate processes on this machine. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -pl outbox-relay,benchmarks -am package -DskipTests
./mvnw -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.orderoutbox.benchmarks.RelayBenchmark "$@"
