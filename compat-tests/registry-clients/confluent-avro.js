// Confluent's JavaScript schema registry client (@confluentinc/schemaregistry) against Wharf, with
// KafkaJS carrying the records; driven by SchemaRegistryClientsIT.
// Usage: node confluent-avro.js <bootstrap> <registry url> <topic> <count>
// Registers an Avro schema with the client, serializes <count> records with its AvroSerializer
// (useLatestVersion: it fetches the latest version), produces them, reads them back and
// deserializes each with its AvroDeserializer (which fetches the schema by id).
// Prints "registered <id>", "compatible <true|false>" for an incompatible candidate, then
// "record <offset> <key> <decoded JSON>" per record, then "done".
'use strict';
const { Kafka, logLevel } = require('kafkajs');
const consumeAll = require('./consume-all');
const sr = require('@confluentinc/schemaregistry');

const [bootstrap, url, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const out = (line) => process.stdout.write(line + '\n');
const schema = {
  type: 'record', name: 'Reading', namespace: 'sensors',
  fields: [{ name: 'sensor', type: 'string' }, { name: 'value', type: 'double' }],
};
const incompatible = {
  type: 'record', name: 'Reading', namespace: 'sensors',
  fields: [{ name: 'sensor', type: 'string' }, { name: 'value', type: 'double' }, { name: 'unit', type: 'string' }],
};

async function main() {
  const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
  const subject = `${topic}-value`;
  const id = await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(schema) });
  out(`registered ${id}`);
  out(`compatible ${await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: JSON.stringify(incompatible) })}`);
  const serializer = new sr.AvroSerializer(client, sr.SerdeType.VALUE, { useLatestVersion: true });
  const deserializer = new sr.AvroDeserializer(client, sr.SerdeType.VALUE, {});
  const kafka = new Kafka({ clientId: 'wharf-confluent-sr', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ key: `s${i}`, value: await serializer.serialize(topic, { sensor: `sensor-${i}`, value: i / 4 }) });
  }
  await producer.send({ topic, messages });
  await producer.disconnect();

  await consumeAll(kafka, topic, `wharf-confluent-sr-${topic}`, count, async (message) => {
    const decoded = await deserializer.deserialize(topic, message.value);
    out(`record ${message.offset} ${message.key.toString()} ${JSON.stringify(decoded)}`);
  });
  out('done');
}

main().catch((e) => {
  out(`error ${e && e.stack ? e.stack.split('\n').join(' | ') : e}`);
  process.exit(1);
});
