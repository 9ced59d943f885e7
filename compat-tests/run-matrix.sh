#!/usr/bin/env bash
# The compatibility matrix, side by side: starts Apache Kafka 4.4.0 (one KRaft node, broker and
# controller) and a Wharf broker, each with the suite's baseline settings
# (compat-tests/src/test/resources/external-broker-baseline.properties) on its own loopback port and
# temporary directory, runs the compat-tests ITs against each with -Dcompat.bootstrap, and merges the
# two compat-matrix.json files into compat-tests/results/matrix.md (+ kafka.json, wharf.json).
#
#   compat-tests/run-matrix.sh                    # both brokers, every IT (~25-35 minutes on 2 cores)
#   compat-tests/run-matrix.sh --it 'AdminIT,ProduceConsumeIT'   # a subset
#   compat-tests/run-matrix.sh --only kafka       # one broker; the merge keeps the other's last JSON
#
# Every wait is bounded; the script stops the brokers it started, by PID, also on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
only="kafka,wharf"
its=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --it) its="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
results="$root/compat-tests/results"
baseline="$root/compat-tests/src/test/resources/external-broker-baseline.properties"
work="$(mktemp -d "${TMPDIR:-/tmp}/compat-matrix.XXXXXX")"
mkdir -p "$results"
pids=()

stop_all() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# a free loopback port below the kernel's ephemeral range (a port-0 bind elsewhere cannot take it)
free_port() {
  for _ in $(seq 1 50); do
    local p=$((20000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}

await_port() { # port pid log
  for _ in $(seq 1 180); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo "broker exited before listening; its log:" >&2
      tail -n 40 "$3" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "broker not listening on $1 within 90 s" >&2
  tail -n 40 "$3" >&2
  exit 1
}

baseline_lines() {
  grep -v '^[[:space:]]*#' "$baseline" | grep '='
}

echo "== building (server, Kafka's tools and broker class paths)"
mvn -B -q -o package -DskipTests -Djmh.skip -pl server,compat-tests/kafka-tools-classpath,bench/kafka-classpath -am \
  || mvn -B -q package -DskipTests -Djmh.skip -pl server,compat-tests/kafka-tools-classpath,bench/kafka-classpath -am

start_kafka() { # port -> sets broker_pid, broker_label
  local port="$1" controller dir="$work/kafka"
  controller="$(free_port)"
  mkdir -p "$dir"
  {
    echo "process.roles=broker,controller"
    echo "node.id=0" # Wharf's default broker.id, which some tests name
    echo "controller.quorum.bootstrap.servers=127.0.0.1:$controller"
    echo "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller"
    echo "controller.listener.names=CONTROLLER"
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    echo "log.dirs=$dir/data"
    baseline_lines
  } > "$dir/server.properties"
  printf 'status=warn\nappender.out.type=Console\nappender.out.name=OUT\nappender.out.layout.type=PatternLayout\nappender.out.layout.pattern=[%%d] %%p %%m (%%c)%%n\nrootLogger.level=INFO\nrootLogger.appenderRef.out.ref=OUT\n' > "$dir/log4j2.properties"
  local cp="$root/bench/kafka-classpath/target/lib/*"
  timeout 120 java -Xmx256m -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$cp" kafka.tools.StorageTool \
    format -t "$(head -c 16 /dev/urandom | base64 | tr "+/" "-_" | tr -d "=")" \
    -c "$dir/server.properties" --standalone > "$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; exit 1; }
  java -Xms1g -Xmx1g -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$cp" kafka.Kafka "$dir/server.properties" \
    > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  broker_log="$dir/broker.log"
  broker_label="Apache Kafka 4.4.0 (KRaft, one combined node)"
}

start_wharf() { # port -> sets broker_pid, broker_label
  local port="$1" dir="$work/wharf"
  # the start script and broker from a copy: the suite's own build (-am) repackages server/target
  # while this broker runs from it
  local home="$work/wharf-home"
  mkdir -p "$dir" "$home/server/target"
  cp -r "$root/bin" "$root/config" "$home/"
  cp "$root/pom.xml" "$home/"
  cp -r "$root/server/target/lib" "$root/server/target/log4j2" "$home/server/target/"
  cp "$root"/server/target/wharf-server-*.jar "$home/server/target/"
  local overrides=(--override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$dir/logs"
    --override "zookeeper.embedded.port=0" --override "schema.registry.listeners=")
  while read -r line; do overrides+=(--override "$line"); done < <(baseline_lines)
  "$home/bin/wharf-server-start.sh" "$home/config/server.properties" "${overrides[@]}" > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  broker_log="$dir/broker.log"
  local version
  version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -n 1)"
  broker_label="Wharf $version (ZooKeeper embedded, one broker)"
}

run_suite() { # key
  local key="$1" port
  port="$(free_port)"
  "start_$key" "$port"
  pids+=("$broker_pid")
  await_port "$port" "$broker_pid" "$broker_log"
  echo "== $broker_label on 127.0.0.1:$port (pid $broker_pid): running the ITs"
  local selection=()
  if [ -n "$its" ]; then selection=(-Dit.test="$its"); fi
  rm -f "$root/compat-tests/target/compat-matrix.json"
  # the ITs' failures are the matrix's content, not this script's failure
  timeout 3600 mvn -B -o verify -pl compat-tests,compat-tests/kafka-tools-classpath -am -Djmh.skip \
    -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dcompat.bootstrap="127.0.0.1:$port" -Dcompat.label="$broker_label" "${selection[@]}" \
    > "$work/$key-mvn.log" 2>&1 || true
  if [ ! -f "$root/compat-tests/target/compat-matrix.json" ]; then
    echo "no matrix written for $key; the build's tail:" >&2
    tail -n 60 "$work/$key-mvn.log" >&2
    exit 1
  fi
  cp "$root/compat-tests/target/compat-matrix.json" "$results/$key.json"
  cp "$root/compat-tests/target/compat-matrix.md" "$results/$key.md"
  cp "$broker_log" "$results/$key-broker.log.txt" 2>/dev/null || true
  stop_all
}

IFS=',' read -r -a keys <<< "$only"
for key in "${keys[@]}"; do
  run_suite "$key"
done
rm -f "$results"/*-broker.log.txt
if [ ! -f "$results/kafka.json" ] || [ ! -f "$results/wharf.json" ]; then
  echo "== not merged: run both brokers once (kafka.json and wharf.json in $results)"
  exit 0
fi
echo "== merging"
java -cp "$root/compat-tests/kafka-tools-classpath/target/lib/*" "$root/compat-tests/MatrixMerge.java" \
  "$results/kafka.json" "$results/wharf.json" "$results/matrix.md"
echo "== written $results/matrix.md"
