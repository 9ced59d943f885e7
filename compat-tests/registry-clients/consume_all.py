# Reads the first <count> records of a topic with a DeserializingConsumer in a group of its own
# (string keys, the given value deserializer), handing each to on_message in order, for at most
# 60 s; then prints "done", or how many came. Shared by the Python registry client scripts.
import time

from confluent_kafka import DeserializingConsumer
from confluent_kafka.serialization import StringDeserializer


def consume_all(bootstrap, topic, count, value_deserializer, on_message):
    consumer = DeserializingConsumer({'bootstrap.servers': bootstrap, 'group.id': 'wharf-python-' + topic,
                                      'auto.offset.reset': 'earliest', 'key.deserializer': StringDeserializer('utf_8'),
                                      'value.deserializer': value_deserializer})
    consumer.subscribe([topic])
    seen = 0
    deadline = time.time() + 60
    while seen < count and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        on_message(message)
        seen += 1
    consumer.close()
    print('done' if seen == count else 'error only %d of %d records' % (seen, count), flush=True)
