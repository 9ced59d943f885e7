# Debian's Python client (python3-confluent-kafka 1.7.0) against a Wharf registry that asks callers
# to authenticate; driven by SchemaRegistrySecurityIT.
# Usage: /usr/bin/python3 python-secured.py <registry url> <client settings as JSON> <subject>
# The settings are the client's own (basic.auth.user.info, or ssl.ca.location,
# ssl.certificate.location and ssl.key.location for https with a client certificate). Fetches the
# subject's latest version, then tries to register a schema under it. Prints "latest {"id":..,
# "version":..}", then "register <id>" or "forbidden <error code>", then "done".
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

url, settings, subject = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
settings['url'] = url
client = SchemaRegistryClient(settings)
latest = client.get_latest_version(subject)
print('latest', json.dumps({'id': latest.schema_id, 'version': latest.version}), flush=True)
schema = json.dumps({"type": "record", "name": "FromPython", "fields": [{"name": "a", "type": "int"}]})
try:
    print('register', client.register_schema(subject, Schema(schema, 'AVRO')), flush=True)
except SchemaRegistryError as e:
    print('forbidden', e.error_code, flush=True)
print('done', flush=True)
