#!/usr/bin/env bash
# Runs a Wharf broker in the foreground, like Kafka's kafka-server-start.sh:
#   bin/wharf-server-start.sh config/server.properties [--override key=value]...
# Builds the broker first if it has not been built, or if its sources changed since (a pull brought
# new code). Ctrl-C or SIGTERM shuts it down cleanly.
# WHARF_HEAP_OPTS replaces the heap options; config/jvm.options and WHARF_JVM_OPTS add JVM options.
# Logging: slf4j-simple on stderr by default (it starts fastest), set in config/simplelogger.properties.
# WHARF_LOG4J_OPTS, like Kafka's KAFKA_LOG4J_OPTS, switches to log4j2 with those options, e.g.
#   WHARF_LOG4J_OPTS="-Dlog4j2.configurationFile=config/log4j2.properties" bin/wharf-server-start.sh ...
# and its log files go to WHARF_LOG_DIR (default: logs/ here). bin/wharf-server-stop.sh stops it.
#   bin/wharf-server-start.sh --version | --help | --ignored-configs   print and exit
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# the broker jar, not the test-jar beside it
jar=$(ls "$here"/server/target/wharf-server-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n 1 || true)
modules=(generator wire logstore controller server)
# a source or pom of the broker's modules newer than the jar: the jar is stale
stale() {
  [ -n "$(find "$here/pom.xml" "${modules[@]/#/$here/}" -path '*/target' -prune -o -newer "$1" \( -name '*.java' -o -name pom.xml \) -print -quit 2>/dev/null)" ]
}
if [ -z "$jar" ] || [ ! -d "$here/server/target/lib" ] || [ ! -d "$here/server/target/log4j2" ] || stale "$jar"; then
  echo "building the broker..." >&2
  (cd "$here" && mvn -B -q package -DskipTests -pl server -am)
  jar=$(ls "$here"/server/target/wharf-server-*.jar | grep -v -- '-tests\.jar$' | head -n 1)
fi
case "${1:-}" in
  --version|--help|-h|--ignored-configs)
    # no broker: no heap to reserve, and no class-data archive to record from a run that loads so little
    exec java -cp "$jar:$here/server/target/lib/*" dev.wharf.server.Main "$@" ;;
esac
classpath="$jar:$here/server/target/lib/*"
logging=()
cds="$here/server/target/wharf-server.jsa"
if [ -n "${WHARF_LOG4J_OPTS:-}" ]; then
  # log4j2 in place of slf4j-simple (one SLF4J binding on the class path); its own class-data archive
  classpath="$jar"
  for j in "$here"/server/target/lib/*.jar; do
    case "$(basename "$j")" in slf4j-simple-*) ;; *) classpath+=":$j" ;; esac
  done
  classpath+=":$here/server/target/log4j2/*"
  # the broker's shutdown hook logs while it closes: log4j2's own hook must not stop logging first
  read -r -a logging <<< "-Dwharf.logs.dir=${WHARF_LOG_DIR:-$here/logs} -Dlog4j2.shutdownHookEnabled=false $WHARF_LOG4J_OPTS"
  cds="$here/server/target/wharf-server-log4j2.jsa"
elif [ -f "$here/config/simplelogger.properties" ]; then
  # slf4j-simple's settings as system properties, which win over the defaults inside the jar
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in ''|'#'*|'!'*) continue ;; esac
    key="${line%%=*}"
    value="${line#*=}"
    logging+=("-D${key%"${key##*[![:space:]]}"}=${value#"${value%%[![:space:]]*}"}")
  done < "$here/config/simplelogger.properties"
fi
# Class-data sharing: the first run records the classes the broker loads into an archive, written
# when it stops; later runs map that archive and start in about two thirds of the time. Each run
# writes its own file and the next start renames the newest into place, so brokers started side by
# side never share a half-written archive. A rebuilt jar makes the archive stale: it is recorded again.
if [ -f "$cds" ] && [ "$jar" -nt "$cds" ]; then
  rm -f "$cds"
fi
if [ ! -f "$cds" ]; then
  newest=""
  for f in "$cds".*; do
    # a run that ended at once (a usage error, a bad config) recorded next to nothing: not worth mapping
    [ -f "$f" ] && [ -n "$(find "$f" -size +4096k)" ] || continue
    if [ -z "$newest" ] || [ "$f" -nt "$newest" ]; then
      newest="$f"
    fi
  done
  if [ -n "$newest" ] && [ "$newest" -nt "$jar" ]; then
    mv "$newest" "$cds"
  fi
  rm -f "$cds".*
fi
if [ -f "$cds" ]; then
  share=(-XX:SharedArchiveFile="$cds")
else
  share=(-XX:ArchiveClassesAtExit="$cds.$$")
fi
# Mapped where it was recorded, the archive needs no relocation (~80 ms at start with JDK 17's default).
share+=(-XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xlog:cds=off -Xlog:cds+dynamic=off)
jvm_options=()
while read -r line; do
  case "$line" in ''|'#'*) ;; *) jvm_options+=("$line") ;; esac
done < "$here/config/jvm.options"
# WHARF_JVM_OPTS after the logging settings: a -D given there wins over the config file's
exec java ${WHARF_HEAP_OPTS:--Xms512m -Xmx1g} "${jvm_options[@]}" "${logging[@]}" ${WHARF_JVM_OPTS:-} "${share[@]}" \
  -cp "$classpath" dev.wharf.server.Main "$@"
