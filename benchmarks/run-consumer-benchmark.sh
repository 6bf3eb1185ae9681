#!/usr/bin/env bash
# Consumer benchmark: drains of realistic order events through all the pipes, with Postgres, Kafka,
# Redis and the consumer as separate processes on this machine, per poll beside one record at a
# time. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: the consumer jar, the harness, and the harness's class path pointing at the
# jars just built (not at whatever an earlier install left in ~/.m2).
./mvnw -B -pl event-consumer,benchmarks -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.orderoutbox.benchmarks.ConsumerBenchmark "$@"
