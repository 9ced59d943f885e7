#!/usr/bin/env bash
# What recording the broker's metrics costs in produce throughput. Wharf is started fresh, ROUNDS
# times with metrics recording on and ROUNDS times with it off (-Dwharf.metrics.recording=false:
# every record call on the hot paths returns at once; the MBeans stay registered), alternating
# which goes first; each time Kafka's ProducerPerformance (kafka-tools 4.4.0) sends RECORDS records
# of 1 KiB with acks=1 and no throttle to a new topic. Prints every sample and the medians of
# two figures: the producer's records/s, and the broker's CPU time (utime+stime from /proc, over the
# producer's run) per GB of records, which a machine shared with other work disturbs far less.
#
#   bench/metrics-overhead.sh                 3 rounds of 2,000,000 records (~5 minutes on 2 cores)
#   ROUNDS=5 RECORDS=4000000 bench/metrics-overhead.sh
#
# Builds what it needs first (without tests). Run it on an otherwise idle machine: on a shared one
# the samples spread more than the difference measured.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
rounds=${ROUNDS:-3}
records=${RECORDS:-2000000}
mvn -B -q -o package -DskipTests -pl server,compat-tests/kafka-tools-classpath -am 2>/dev/null \
  || mvn -B -q package -DskipTests -pl server,compat-tests/kafka-tools-classpath -am
work=$(mktemp -d /tmp/wharf-metrics-overhead.XXXXXX)
broker=""
cleanup() {
  if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# CPU seconds the process has used so far (utime + stime)
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

# one sample: prints "records/s broker-CPU-s/GB"
sample() {
  local mode=$1 n=$2 port opts=""
  port=$(free_port)
  if [ "$mode" = off ]; then opts="-Dwharf.metrics.recording=false"; fi
  WHARF_HEAP_OPTS="-Xms1g -Xmx1g" WHARF_JVM_OPTS="$opts" bin/wharf-server-start.sh config/server.properties \
    --override listeners=PLAINTEXT://127.0.0.1:"$port" --override log.dirs="$work/$mode-$n/logs" \
    --override zookeeper.embedded.port=0 --override schema.registry.listeners= > "$work/broker-$mode-$n.log" 2>&1 &
  broker=$!
  for _ in $(seq 1 120); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
    sleep 0.5
  done
  sync
  local out cpu_before cpu_after
  cpu_before=$(cpu_seconds "$broker")
  out=$(timeout 300 java -Xmx512m -cp "compat-tests/kafka-tools-classpath/target/lib/*" \
    org.apache.kafka.tools.ProducerPerformance --topic "overhead-$mode-$n" --num-records "$records" --record-size 1024 \
    --throughput -1 --producer-props bootstrap.servers=127.0.0.1:"$port" acks=1 2>/dev/null | tail -n 1)
  cpu_after=$(cpu_seconds "$broker")
  kill "$broker"; wait "$broker" 2>/dev/null || true; broker=""
  rm -rf "${work:?}/$mode-$n"
  local rate
  rate=$(echo "$out" | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')
  awk -v r="$rate" -v a="$cpu_before" -v b="$cpu_after" -v n="$records" \
    'BEGIN { printf "%.0f %.3f\n", r, (b - a) / (n * 1024 / 1e9) }'
}

on=(); off=(); on_cpu=(); off_cpu=()
for n in $(seq 1 "$rounds"); do
  if [ $((n % 2)) -eq 1 ]; then order="on off"; else order="off on"; fi
  for mode in $order; do
    read -r r c < <(sample "$mode" "$n")
    echo "round $n recording=$mode: $r records/s, broker CPU $c s/GB" >&2
    if [ "$mode" = on ]; then on+=("$r"); on_cpu+=("$c"); else off+=("$r"); off_cpu+=("$c"); fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m_on=$(median "${on[@]}"); m_off=$(median "${off[@]}")
c_on=$(median "${on_cpu[@]}"); c_off=$(median "${off_cpu[@]}")
echo "recording on:  ${on[*]} records/s (median $m_on); broker CPU ${on_cpu[*]} s/GB (median $c_on)"
echo "recording off: ${off[*]} records/s (median $m_off); broker CPU ${off_cpu[*]} s/GB (median $c_off)"
awk -v a="$m_on" -v b="$m_off" -v ca="$c_on" -v cb="$c_off" 'BEGIN {
  printf "throughput with recording: %+.2f%% (median on vs off)\n", (a - b) / b * 100
  printf "broker CPU per GB with recording: %+.2f%% (median on vs off)\n", (ca - cb) / cb * 100 }'
