#!/usr/bin/env bash
# Runs a standalone ZooKeeper server in the foreground, like Kafka's zookeeper-server-start.sh, for
# brokers that share one ensemble through zookeeper.connect (see config/cluster/):
#   bin/wharf-zookeeper-start.sh config/zookeeper.properties
# It is the real ZooKeeper server the broker already ships (server/target/lib), so the broker is
# built first if it has not been. Ctrl-C or SIGTERM stops it. WHARF_HEAP_OPTS replaces the heap options.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 config/zookeeper.properties" >&2
  exit 2
fi
config="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$here/server/target/lib" ]; then
  echo "building the broker (once)..." >&2
  (cd "$here" && mvn -B -q package -DskipTests -pl server -am)
fi
# Logs go to stderr through slf4j-simple, as the broker's do; there is no log4j for ZooKeeper to find.
exec java ${WHARF_HEAP_OPTS:--Xms64m -Xmx512m} -Dzookeeper.jmx.log4j.disable=true \
  -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss.SSS" \
  -cp "$here/server/target/lib/*" org.apache.zookeeper.server.ZooKeeperServerMain "$config"
