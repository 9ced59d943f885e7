// KafkaJS with @kafkajs/confluent-schema-registry against Wharf, driven by SchemaRegistryClientsIT.
// Usage: node kafkajs-avro.js <bootstrap> <registry url> <topic> <count>
// Registers an Avro schema under <topic>-value, produces <count> records encoded with it (Confluent's
// wire format), reads them back with a KafkaJS consumer and decodes each by the id it carries.
// Prints "registered <id>", "latest <id>", then "record <offset> <key> <decoded JSON>" per record, then "done".
'use strict';
const { Kafka, logLevel } = require('kafkajs');
const consumeAll = require('./consume-all');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const [bootstrap, url, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const out = (line) => process.stdout.write(line + '\n');
const schema = {
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [{ name: 'id', type: 'long' }, { name: 'item', type: 'string' }, { name: 'qty', type: 'int' }],
};

async function main() {
  const registry = new SchemaRegistry({ host: url });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject: `${topic}-value` });
  out(`registered ${id}`);
  out(`latest ${await registry.getLatestSchemaId(`${topic}-value`)}`);
  const kafka = new Kafka({ clientId: 'wharf-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ key: `k${i}`, value: await registry.encode(id, { id: i, item: `item-${i}`, qty: i % 7 }) });
  }
  await producer.send({ topic, messages });
  await producer.disconnect();

  await consumeAll(kafka, topic, `wharf-kafkajs-${topic}`, count, async (message) => {
    const decoded = await registry.decode(message.value);
    out(`record ${message.offset} ${message.key.toString()} ${JSON.stringify(decoded)}`);
  });
  out('done');
}

main().catch((e) => {
  out(`error ${e && e.stack ? e.stack.split('\n').join(' | ') : e}`);
  process.exit(1);
});
