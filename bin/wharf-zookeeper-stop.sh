#!/usr/bin/env bash
# Stops the ZooKeeper servers bin/wharf-zookeeper-start.sh runs, like Kafka's
# zookeeper-server-stop.sh: sends SIGTERM to this user's JVMs running ZooKeeperServerMain or
# QuorumPeerMain, and does not wait for them. A broker's embedded ZooKeeper stops with its broker.
#   bin/wharf-zookeeper-stop.sh [PATTERN]
# With PATTERN, only the servers whose command line contains it (e.g. their config file).
# Exits 1 when none was found.
set -euo pipefail
. "$(dirname "$0")/wharf-stop-jvms.sh"
stop_jvms "ZooKeeper server" "server's" \
  "org.apache.zookeeper.server.ZooKeeperServerMain org.apache.zookeeper.server.quorum.QuorumPeerMain" "$@"
