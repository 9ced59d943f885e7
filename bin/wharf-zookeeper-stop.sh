#!/usr/bin/env bash
# Stops the ZooKeeper servers bin/wharf-zookeeper-start.sh runs, like Kafka's
# zookeeper-server-stop.sh: sends SIGTERM to this user's JVMs running ZooKeeperServerMain or
# QuorumPeerMain, and does not wait for them. A broker's embedded ZooKeeper stops with its broker.
#   bin/wharf-zookeeper-stop.sh [PATTERN]
# With PATTERN, only the servers whose command line contains it (e.g. their config file).
# Exits 1 when none was found.
set -euo pipefail
if [ $# -gt 1 ] || [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  echo "usage: $0 [PATTERN]   (PATTERN: text in the server's command line, e.g. its config file)" >&2
  exit 2
fi
pattern="${1:-}"
pids=()
while read -r pid args; do
  case "$args" in
    *java*org.apache.zookeeper.server.ZooKeeperServerMain*|*java*org.apache.zookeeper.server.quorum.QuorumPeerMain*) ;;
    *) continue ;;
  esac
  if [ -n "$pattern" ] && [[ "$args" != *"$pattern"* ]]; then
    continue
  fi
  pids+=("$pid")
done < <(ps -ww -u "$(id -u)" -o pid=,args= 2>/dev/null || true)
if [ ${#pids[@]} -eq 0 ]; then
  echo "No ZooKeeper server to stop${pattern:+ matching '$pattern'}" >&2
  exit 1
fi
kill -s TERM "${pids[@]}"
