#!/usr/bin/env bash
# Stops Wharf brokers, like Kafka's kafka-server-stop.sh: sends SIGTERM to this user's broker JVMs
# (main class dev.wharf.server.Main), whose shutdown hook then closes each broker cleanly (controlled
# shutdown, logs flushed and closed: no recovery at the next start). It does not wait for them.
#   bin/wharf-server-stop.sh [PATTERN]
# With PATTERN, only the brokers whose command line contains it: its config file or its log dir,
# e.g. bin/wharf-server-stop.sh config/cluster/broker-2.properties. Exits 1 when none was found.
set -euo pipefail
. "$(dirname "$0")/wharf-stop-jvms.sh"
stop_jvms "Wharf broker" "broker's" "dev.wharf.server.Main" "$@"
