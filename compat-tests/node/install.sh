#!/usr/bin/env bash
# Installs the Node.js clients of the librdkafka KIP-848 tests once per machine, outside the
# checkout (a fresh clone reuses them): Confluent's JavaScript client, whose librdkafka 2.15 is
# built from the sources it bundles against Debian's OpenSSL and zlib (Debian's own librdkafka,
# 2.0, predates KIP-848; GitHub, where prebuilt binaries live, is not reachable from here).
# Takes some 3-6 minutes the first time on two cores. The tests find it in $WHARF_LIBRDKAFKA_NODE
# (default ~/.cache/wharf/librdkafka-node).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${WHARF_LIBRDKAFKA_NODE:-$HOME/.cache/wharf/librdkafka-node}
if [ -f "$dest/installed.json" ] && cmp -s "$dest/installed.json" "$here/package.json" \
    && [ -d "$dest/node_modules/@confluentinc/kafka-javascript/build/Release" ]; then
  echo "librdkafka Node.js client already installed in $dest"
  exit 0
fi
need=()
for pkg in build-essential python3 libssl-dev zlib1g-dev libsasl2-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} to build librdkafka"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
rm -rf "$dest"
mkdir -p "$dest"
cp "$here/package.json" "$dest/package.json"
# dynamic: librdkafka's own configure links the system's libraries instead of downloading theirs
(cd "$dest" && CKJS_LINKING=dynamic nice -n 10 npm install --no-audit --no-fund)
cp "$here/package.json" "$dest/installed.json"
node -e "console.log('librdkafka', require('$dest/node_modules/@confluentinc/kafka-javascript').librdkafkaVersion)"
