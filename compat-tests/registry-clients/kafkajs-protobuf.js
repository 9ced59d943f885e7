// KafkaJS with @kafkajs/confluent-schema-registry writing and reading Protobuf records through
// Wharf; driven by SchemaRegistryProtobufIT. This client registers .proto text and parses what the
// registry stores with protobufjs, so Wharf's stored text must be valid .proto for it.
// Usage: node kafkajs-protobuf.js <bootstrap> <registry url> <topic> <count>
// Registers shop/money.proto under <topic>-money, then an Order schema importing it (a reference),
// encodes <count> records with the id it got, produces, consumes and decodes them. Prints
// "registered <id>", "record <offset> <key> <id> <cents> <status> <lines>" per record, "done".
'use strict';
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const consumeAll = require('./consume-all');

const [bootstrap, url, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const out = (line) => process.stdout.write(line + '\n');
const money = `syntax = "proto3";
package shop;
message Money {
  int64 cents = 1;
  string currency = 2;
}
`;
const order = `syntax = "proto3";
package shop;
import "shop/money.proto";
// An order, as the shop writes it.
message Order {
  string id = 1;
  Money total = 2;
  Status status = 3;
  repeated Line lines = 4;
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
}
enum Status {
  NEW = 0;
  PAID = 1;
}
`;

async function main() {
  const registry = new SchemaRegistry({ host: url });
  const moneySubject = `${topic}-money`;
  await registry.register({ type: SchemaType.PROTOBUF, schema: money }, { subject: moneySubject });
  const { id } = await registry.register({
    type: SchemaType.PROTOBUF, schema: order,
    references: [{ name: 'shop/money.proto', subject: moneySubject, version: 1 }],
  }, { subject: `${topic}-value` });
  out(`registered ${id}`);
  const kafka = new Kafka({ clientId: 'wharf-kafkajs-proto', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    const value = { id: `o${i}`, total: { cents: 100 * i, currency: 'EUR' }, status: i % 2, lines: [{ sku: `s${i}`, qty: i }] };
    messages.push({ key: `k${i}`, value: await registry.encode(id, value) });
  }
  await producer.send({ topic, messages });
  await producer.disconnect();

  await consumeAll(kafka, topic, `wharf-kafkajs-proto-${topic}`, count, async (message) => {
    const v = await registry.decode(message.value);
    out(`record ${message.offset} ${message.key.toString()} ${v.id} ${v.total.cents} ${v.status} `
      + v.lines.map((l) => `${l.sku}x${l.qty}`).join(','));
  });
  out('done');
}

main().catch((e) => {
  out(`error ${e && e.stack ? e.stack.split('\n').join(' | ') : e}`);
  process.exit(1);
});
