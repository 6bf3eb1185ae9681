#!/usr/bin/env bash
# Soak (issue 17, not in CI): the chaos harness (end-to-end-tests ChaosIT) for an hour at a steady
# moderate load with faults at a low rate. Every minute it appends heap and RSS of each relay and
# consumer (RSS from /proc/<pid>/status VmRSS), Postgres sessions (pg_stat_activity), the consumer
# group's lag and the outbox backlog to a CSV; at the end it drains and runs the invariant check.
#
#   benchmarks/run-soak.sh                         # an hour, a fault every 5 minutes, 100 tx/s
#   SOAK_MINUTES=20 SOAK_SEED=42 benchmarks/run-soak.sh
#   benchmarks/run-soak.sh -o -Dconsumer.jar=/path/to/other/event-consumer.jar   # further Maven arguments
#
# Writes benchmarks/results/soak-<timestamp>.csv and copies the chaos report beside it; the
# services' logs stay in end-to-end-tests/target/chaos/seed-<seed>/. Exits non-zero when an
# invariant is broken (the report says which).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${SOAK_MINUTES:-60}"
rate="${SOAK_RATE:-100}"
fault_every="${SOAK_FAULT_EVERY:-PT5M}"
seed="${SOAK_SEED:-$RANDOM$RANDOM}"
stamp="$(date -u +%Y%m%d-%H%M)"
csv="$PWD/benchmarks/results/soak-$stamp.csv"
mkdir -p benchmarks/results
echo "soak: ${minutes} min at ${rate} tx/s, a fault every ${fault_every}, seed ${seed}; samples to ${csv}"
status=0
# verify builds the relay and consumer jars first (-am), then runs only ChaosIT.
./mvnw -B -pl end-to-end-tests -am verify \
  -Dit.test=ChaosIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dchaos.seed="$seed" -Dchaos.load="PT${minutes}M" -Dchaos.rate="$rate" -Dchaos.fault-every="$fault_every" \
  -Dchaos.sample-every=PT1M -Dchaos.drain-timeout=PT10M -Dchaos.csv="$csv" "$@" || status=$?
cp end-to-end-tests/target/chaos-report.md "benchmarks/results/soak-$stamp-report.md" 2>/dev/null || true
echo "soak: samples in ${csv}, report in benchmarks/results/soak-$stamp-report.md (exit ${status})"
exit "$status"
