#!/usr/bin/env bash
# The side-by-side benchmark: Apache Kafka 4.4.0 and Wharf, one after the other on this machine,
# under the same workloads from Kafka's own load generators. Prints one table and writes
# bench/results/side-by-side-full-<time>.{json,svg} plus latest.{json,svg,txt}.
#
#   bench/run.sh            full run of every one-broker workload (results of record, in bench/results)
#   bench/run.sh --cluster  full run of the cluster workloads, three brokers of each system (results of record,
#                           in bench/results); latest.* holds the newest figures of both runs, merged
#   bench/run.sh --smoke [--cluster]
#                           the same workloads briefly (results in bench/target/results)
#   bench/run.sh --embedded-start [--jvms N] [--starts M]
#                           wharf-junit's in-process broker beside Kafka's KafkaClusterTestKit: start to
#                           first acknowledged record, cold and warm; ~1 minute (bench/target/results)
#
# Builds what it needs first (without running tests). Run it on an otherwise idle machine.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
modules=server,compat-tests/kafka-tools-classpath,bench/kafka-classpath,bench
main=dev.wharf.bench.e2e.SideBySide
if [[ "${1:-}" == "--embedded-start" ]]; then
  shift
  modules=wharf-junit,bench/kafka-testkit-classpath,bench
  main=dev.wharf.bench.embedded.EmbeddedStart
fi
echo "building the broker, Kafka's broker and tool classpaths, and the harness..." >&2
# offline first; the first build on a machine has to fetch Kafka from Maven Central
mvn -B -q -o package -DskipTests -pl "$modules" -am 2>/dev/null || mvn -B -q package -DskipTests -pl "$modules" -am
read -r load _ < /proc/loadavg
echo "load average: $load (cores: $(nproc))" >&2
exec java -Xms512m -Xmx512m -cp "$here/bench/target/classes:$here/bench/target/lib/*" \
  "$main" --repo "$here" "$@"
