#!/usr/bin/env bash
# Stops Wharf brokers, like Kafka's kafka-server-stop.sh: sends SIGTERM to this user's broker JVMs
# (main class dev.wharf.server.Main), whose shutdown hook then closes each broker cleanly (controlled
# shutdown, logs flushed and closed: no recovery at the next start). It does not wait for them.
#   bin/wharf-server-stop.sh [PATTERN]
# With PATTERN, only the brokers whose command line contains it: its config file or its log dir,
# e.g. bin/wharf-server-stop.sh config/cluster/broker-2.properties. Exits 1 when none was found.
set -euo pipefail
if [ $# -gt 1 ] || [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  echo "usage: $0 [PATTERN]   (PATTERN: text in the broker's command line, e.g. its config file)" >&2
  exit 2
fi
pattern="${1:-}"
pids=()
while read -r pid args; do
  case "$args" in
    *java*" dev.wharf.server.Main"*) ;;
    *) continue ;;
  esac
  if [ -n "$pattern" ] && [[ "$args" != *"$pattern"* ]]; then
    continue
  fi
  pids+=("$pid")
done < <(ps -ww -u "$(id -u)" -o pid=,args= 2>/dev/null || true)
if [ ${#pids[@]} -eq 0 ]; then
  echo "No Wharf broker to stop${pattern:+ matching '$pattern'}" >&2
  exit 1
fi
kill -s TERM "${pids[@]}"
