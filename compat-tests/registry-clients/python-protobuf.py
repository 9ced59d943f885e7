# Debian's Python client (python3-confluent-kafka 1.7.0, python3-protobuf) writing Protobuf records
# through Wharf's registry; driven by SchemaRegistryProtobufIT.
# Usage: /usr/bin/python3 python-protobuf.py <bootstrap> <registry url> <topic> <count>
# Builds shop/money.proto and shop/order.proto (which imports it and google/protobuf/timestamp.proto)
# as descriptors, as protoc-generated code would have them. Its ProtobufSerializer registers each
# file as a base64 descriptor, the imports first as references, and writes <count> Order records
# through librdkafka; its ProtobufDeserializer reads them back. Prints "registered <id>" (the
# order schema's id), "record <offset> <key> <id> <cents> <currency> <seconds>" per record, "done".
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2
from google.protobuf.message_factory import MessageFactory
from confluent_kafka import SerializingProducer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import StringSerializer
from consume_all import consume_all

bootstrap, url, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
F = descriptor_pb2.FieldDescriptorProto


def field(message, name, number, kind, type_name=None):
    f = message.field.add(name=name, number=number, type=kind, label=F.LABEL_OPTIONAL)
    if type_name:
        f.type_name = type_name


money = descriptor_pb2.FileDescriptorProto(name='shop/money.proto', package='shop', syntax='proto3')
m = money.message_type.add(name='Money')
field(m, 'cents', 1, F.TYPE_INT64)
field(m, 'currency', 2, F.TYPE_STRING)

order = descriptor_pb2.FileDescriptorProto(name='shop/order.proto', package='shop', syntax='proto3',
                                           dependency=['shop/money.proto', 'google/protobuf/timestamp.proto'])
o = order.message_type.add(name='Order')
field(o, 'id', 1, F.TYPE_STRING)
field(o, 'total', 2, F.TYPE_MESSAGE, '.shop.Money')
field(o, 'at', 3, F.TYPE_MESSAGE, '.google.protobuf.Timestamp')

pool = descriptor_pool.Default()
timestamp_pb2.Timestamp()  # its file is in the default pool once imported
pool.Add(money)
pool.Add(order)
Order = MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName('shop.Order'))

client = SchemaRegistryClient({'url': url})
producer = SerializingProducer({'bootstrap.servers': bootstrap, 'key.serializer': StringSerializer('utf_8'),
                                'value.serializer': ProtobufSerializer(Order, client)})
for i in range(count):
    value = Order(id='o%d' % i)
    value.total.cents = 100 * i
    value.total.currency = 'EUR'
    value.at.seconds = 1700000000 + i
    producer.produce(topic=topic, key='k%d' % i, value=value)
if producer.flush(30) != 0:
    print('error records not delivered', flush=True)
    sys.exit(1)
print('registered', client.get_latest_version(topic + '-value').schema_id, flush=True)


def show(message):
    v = message.value()
    print('record', message.offset(), message.key(), v.id, v.total.cents, v.total.currency, v.at.seconds, flush=True)


consume_all(bootstrap, topic, count, ProtobufDeserializer(Order), show)
