// Confluent's JavaScript schema registry client (@confluentinc/schemaregistry) writing and reading
// Protobuf records through Wharf, KafkaJS carrying them; driven by SchemaRegistryProtobufIT.
// Usage: node confluent-protobuf.js <bootstrap> <registry url> <topic> <count>
// Builds shop/money.proto and shop/order.proto (importing it, google/protobuf/timestamp.proto and
// google/type/money.proto, the last two built in: the client never registers them;
// Order is the second message, after Header, with a map field) as descriptors, as generated code
// has them. Its ProtobufSerializer registers each file as a base64 descriptor with references and
// frames records with message indexes; its ProtobufDeserializer fetches the writer's schema in the
// 'serialized' format and decodes. Prints "registered <id>", "stored <first line of the stored
// text>", "record <offset> <key> <id> <cents> <currency> <seconds> <attrs JSON> <tip>" per record, "done".
'use strict';
const { Kafka, logLevel } = require('kafkajs');
const { create, createFileRegistry, createMutableRegistry } = require('@bufbuild/protobuf');
const { FileDescriptorProtoSchema, file_google_protobuf_timestamp } = require('@bufbuild/protobuf/wkt');
const consumeAll = require('./consume-all');
const sr = require('@confluentinc/schemaregistry');
const { file_google_type_money } = require('@confluentinc/schemaregistry/dist/google/type/money_pb');

const [bootstrap, url, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const out = (line) => process.stdout.write(line + '\n');
const OPTIONAL = 1;
const REPEATED = 3;
const field = (name, number, type, typeName, label = OPTIONAL) => ({ name, number, type, typeName, label, jsonName: name });

const money = create(FileDescriptorProtoSchema, {
  name: 'shop/money.proto', package: 'shop', syntax: 'proto3',
  messageType: [{ name: 'Money', field: [field('cents', 1, 3), field('currency', 2, 9)] }],
});
const order = create(FileDescriptorProtoSchema, {
  name: 'shop/order.proto', package: 'shop', syntax: 'proto3',
  dependency: ['shop/money.proto', 'google/protobuf/timestamp.proto', 'google/type/money.proto'],
  messageType: [
    { name: 'Header', field: [field('source', 1, 9)] },
    {
      name: 'Order',
      field: [field('id', 1, 9), field('total', 2, 11, '.shop.Money'), field('at', 3, 11, '.google.protobuf.Timestamp'),
        field('attrs', 4, 11, '.shop.Order.AttrsEntry', REPEATED), field('tip', 5, 11, '.google.type.Money')],
      nestedType: [{ name: 'AttrsEntry', field: [field('key', 1, 9), field('value', 2, 9)], options: { mapEntry: true } }],
    },
  ],
});

async function main() {
  const moneyFiles = createFileRegistry(money, () => undefined);
  const files = createFileRegistry(order, (name) => (name === 'shop/money.proto' ? moneyFiles.getFile('shop/money.proto')
    : name === 'google/protobuf/timestamp.proto' ? file_google_protobuf_timestamp
      : name === 'google/type/money.proto' ? file_google_type_money : undefined));
  const Order = files.getMessage('shop.Order');
  const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
  const serializer = new sr.ProtobufSerializer(client, sr.SerdeType.VALUE,
    { autoRegisterSchemas: true, registry: createMutableRegistry(files, moneyFiles) });
  const deserializer = new sr.ProtobufDeserializer(client, sr.SerdeType.VALUE, {});
  const kafka = new Kafka({ clientId: 'wharf-confluent-sr-proto', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    const value = create(Order, {
      id: `o${i}`, total: { cents: BigInt(100 * i), currency: 'EUR' }, at: { seconds: BigInt(1700000000 + i) },
      attrs: { lane: `l${i % 3}` }, tip: { currencyCode: 'EUR', units: BigInt(i) },
    });
    messages.push({ key: `k${i}`, value: await serializer.serialize(topic, value) });
  }
  await producer.send({ topic, messages });
  await producer.disconnect();
  const latest = await client.getLatestSchemaMetadata(`${topic}-value`);
  out(`registered ${latest.id}`);
  out(`stored ${latest.schema.split('\n')[0]}`);

  await consumeAll(kafka, topic, `wharf-confluent-sr-proto-${topic}`, count, async (message) => {
    const v = await deserializer.deserialize(topic, message.value);
    out(`record ${message.offset} ${message.key.toString()} ${v.id} ${v.total.cents} ${v.total.currency} ${v.at.seconds} `
      + `${JSON.stringify(v.attrs)} ${v.tip.units}${v.tip.currencyCode}`);
  });
  out('done');
}

main().catch((e) => {
  out(`error ${e && e.stack ? e.stack.split('\n').join(' | ') : e}`);
  process.exit(1);
});
