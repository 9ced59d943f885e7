#!/usr/bin/env bash
# Runs a Wharf broker in the foreground, like Kafka's kafka-server-start.sh:
#   bin/wharf-server-start.sh config/server.properties [--override key=value]...
# Builds the broker first if it has not been built. Ctrl-C or SIGTERM shuts it down cleanly.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
jar=$(ls "$here"/server/target/wharf-server-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ ! -d "$here/server/target/lib" ]; then
  echo "building the broker (once)..." >&2
  (cd "$here" && mvn -B -q package -DskipTests -pl server -am)
  jar=$(ls "$here"/server/target/wharf-server-*.jar | head -n 1)
fi
exec java ${WHARF_HEAP_OPTS:--Xms512m -Xmx1g} -cp "$jar:$here/server/target/lib/*" dev.wharf.server.Main "$@"
