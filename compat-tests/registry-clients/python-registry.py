# Debian's Python client (python3-confluent-kafka 1.7.0) against Wharf, driven by SchemaRegistryClientsIT.
# Usage: /usr/bin/python3 python-registry.py <bootstrap> <registry url> <topic> <count>
# Its SchemaRegistryClient registers, fetches and looks up an Avro schema and sets a subject's
# level; its JSON Schema serializer registers its schema and writes <count> records through
# librdkafka, which its deserializer reads back. Prints "registered <id>", "fetched <schema>",
# "lookup <id> <subject> <version>", "latest <id> <version>", "compatibility <level>", then
# "record <offset> <key> <value JSON>" per record, then "done".
import json
import sys

from confluent_kafka import SerializingProducer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import StringSerializer
from consume_all import consume_all

bootstrap, url, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = SchemaRegistryClient({'url': url})
avro = json.dumps({"type": "record", "name": "Py", "namespace": "wharf",
                   "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "string"}]})
subject = topic + '-avro'
schema_id = client.register_schema(subject, Schema(avro, 'AVRO'))
print('registered', schema_id, flush=True)
print('fetched', client.get_schema(schema_id).schema_str, flush=True)
found = client.lookup_schema(subject, Schema(avro, 'AVRO'))
print('lookup', found.schema_id, found.subject, found.version, flush=True)
latest = client.get_latest_version(subject)
print('latest', latest.schema_id, latest.version, flush=True)
client.set_compatibility(subject_name=subject, level='FULL')
print('compatibility', client.get_compatibility(subject), flush=True)

json_schema = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Reading", "type": "object",
                          "properties": {"n": {"type": "integer"}, "label": {"type": "string"}}, "required": ["n"]})
producer = SerializingProducer({'bootstrap.servers': bootstrap, 'key.serializer': StringSerializer('utf_8'),
                                'value.serializer': JSONSerializer(json_schema, client, lambda obj, ctx: obj)})
for i in range(count):
    producer.produce(topic=topic, key='p%d' % i, value={'n': i, 'label': 'l%d' % i})
if producer.flush(30) != 0:
    print('error records not delivered', flush=True)
    sys.exit(1)

consume_all(bootstrap, topic, count, JSONDeserializer(json_schema, from_dict=lambda d, ctx: d),
            lambda m: print('record', m.offset(), m.key(), json.dumps(m.value(), sort_keys=True), flush=True))
