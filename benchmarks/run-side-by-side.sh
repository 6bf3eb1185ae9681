#!/usr/bin/env bash
# Side by side (issue 4): the relay, Debezium, a naive and a bare poller, and the physical floors,
# every scenario in one run on this machine, one table. See docs/benchmarks.md.
# Arguments go to SideBySideBenchmark, e.g. a quick trial:
#   benchmarks/run-side-by-side.sh events=20000 steady-seconds=10 history=0,100000
# BENCHMARK_JAVA_OPTS goes to the harness's JVM, e.g. BENCHMARK_JAVA_OPTS=-Dbenchmark.jfr to record
# a JFR file of every relay and Debezium JVM next to its log in benchmarks/results/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: the relay jar, the harness, and the harness's class path pointing at the
# jars just built (not at whatever an earlier install left in ~/.m2). Debezium runs on that class path.
./mvnw -B -pl outbox-relay,benchmarks -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
java -Xmx1g ${BENCHMARK_JAVA_OPTS:-} -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.orderoutbox.benchmarks.SideBySideBenchmark "$@"
