#!/usr/bin/env bash
# Installs the schema registry clients of SchemaRegistryClientsIT once per machine, outside the
# checkout (a fresh clone reuses them): the npm packages of package.json into
# $WHARF_REGISTRY_CLIENTS (default ~/.cache/wharf/registry-clients), and Debian's Python client
# (python3-confluent-kafka 1.7.0, with requests, jsonschema and protobuf for its registry client and JSON
# and Protobuf serdes; Debian has no fastavro, so its Avro serdes are not used).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${WHARF_REGISTRY_CLIENTS:-$HOME/.cache/wharf/registry-clients}
need=()
for pkg in python3-confluent-kafka python3-requests python3-jsonschema python3-protobuf; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} for the schema registry client tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
if [ -f "$dest/installed.json" ] && cmp -s "$dest/installed.json" "$here/package.json" && [ -d "$dest/node_modules/kafkajs" ]; then
  echo "schema registry npm clients already installed in $dest"
  exit 0
fi
rm -rf "$dest"
mkdir -p "$dest"
cp "$here/package.json" "$dest/package.json"
(cd "$dest" && nice -n 10 npm install --no-audit --no-fund --omit=optional)
cp "$here/package.json" "$dest/installed.json"
