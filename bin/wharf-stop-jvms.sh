# Sourced by bin/wharf-server-stop.sh and bin/wharf-zookeeper-stop.sh: what both do.
# stop_jvms NOUN WHOSE "MAIN_CLASS..." [PATTERN]
# Sends SIGTERM to this user's JVMs running one of the main classes (and, with PATTERN, whose
# command line contains it), without waiting for them; exits 1 when there is none, 2 on bad usage.
stop_jvms() {
  local noun=$1 whose=$2 mains=$3
  shift 3
  if [ $# -gt 1 ] || [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
    echo "usage: $0 [PATTERN]   (PATTERN: text in the $whose command line, e.g. its config file)" >&2
    exit 2
  fi
  local pattern="${1:-}" pid args main
  local pids=()
  while read -r pid args; do
    for main in $mains; do
      if [[ "$args" == *java*" $main"* ]] && { [ -z "$pattern" ] || [[ "$args" == *"$pattern"* ]]; }; then
        pids+=("$pid")
        break
      fi
    done
  done < <(ps -ww -u "$(id -u)" -o pid=,args= 2>/dev/null || true)
  if [ ${#pids[@]} -eq 0 ]; then
    echo "No $noun to stop${pattern:+ matching '$pattern'}" >&2
    exit 1
  fi
  kill -s TERM "${pids[@]}"
}
