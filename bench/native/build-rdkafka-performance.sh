#!/usr/bin/env bash
# Builds librdkafka's own benchmark client, examples/rdkafka_performance.c, from Debian's librdkafka
# source package, against the librdkafka installed from Debian (librdkafka-dev), and puts the binary
# in bench/target/native/rdkafka_performance. Idempotent: does nothing when the binary is there.
#
# The example includes two of librdkafka's private headers (rd.h, rdtime.h), which include the
# config.h that librdkafka's configure writes, so the script runs configure in the unpacked source
# (no library build: the binary links the installed librdkafka.so).
#
# The machine's apt sources have no deb-src entries, so the script adds one beside each Debian
# source (same URIs, suites, components and key) in /etc/apt/sources.list.d/wharf-bench-src.sources.
# Needs root (or sudo).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
out="$here/bench/target/native/rdkafka_performance"
if [[ -x "$out" ]]; then
  echo "$out is there" >&2
  exit 0
fi
fail() { echo "build-rdkafka-performance: $*" >&2; exit 1; }
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else fail "needs root or sudo for: $*"; fi
}
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }

src_list=/etc/apt/sources.list.d/wharf-bench-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  [[ -f /etc/apt/sources.list.d/debian.sources ]] || fail "no /etc/apt/sources.list.d/debian.sources to take the deb-src entries from"
  # the same stanzas, as source entries
  sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | as_root tee "$src_list" >/dev/null
  echo "added $src_list" >&2
fi
apt_get update -q >&2 || fail "apt-get update failed"
apt_get install -y -q --no-install-recommends librdkafka-dev gcc make pkg-config zlib1g-dev libssl-dev dpkg-dev python3 >&2 \
  || fail "could not install librdkafka-dev and the build tools"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get source runs as whoever we are (it writes here), unpacking with dpkg-source
apt-get -q source librdkafka >&2 || fail "apt-get source librdkafka failed"
tree="$(find . -maxdepth 1 -type d -name 'librdkafka-*' | head -1)"
[[ -n "$tree" && -f "$tree/examples/rdkafka_performance.c" ]] || fail "no examples/rdkafka_performance.c in the source package"
cd "$tree"
# only to write config.h for the private headers; the library itself is not built
# (its log goes outside the tree: configure takes every configure.* file there for one of its modules)
./configure --prefix=/usr >../rdkafka-configure.out 2>&1 || { tail -30 ../rdkafka-configure.out >&2; fail "librdkafka's configure failed"; }
gcc -O2 -g -Wall -Wno-unused -I src -o rdkafka_performance examples/rdkafka_performance.c \
  $(pkg-config --cflags --libs rdkafka) -lm -lpthread -lz >&2 || fail "compiling examples/rdkafka_performance.c failed"
./rdkafka_performance -h >/dev/null 2>&1 || true
mkdir -p "$(dirname "$out")"
cp rdkafka_performance "$out"
echo "built $out against librdkafka $(pkg-config --modversion rdkafka)" >&2
