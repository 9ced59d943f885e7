// A librdkafka consumer in a KIP-848 group (group.protocol=consumer), driven by Wharf's tests.
// Usage: node kip848-consumer.js <bootstrap> <group> <topic> <max seconds>
// Prints one line per event on stdout: "assigned t-0,t-3", "revoked t-0", "record <partition> <offset> <value>",
// "closed". Each record's offset is committed (synchronously) before it is printed, and partitions
// are committed before they are given up, so a test can demand exactly-once across rebalances.
// It leaves the group and exits when its stdin closes or after <max seconds>.
'use strict';
const Kafka = require('@confluentinc/kafka-javascript');

const [bootstrap, group, topic, maxSeconds] = process.argv.slice(2);
const out = (line) => process.stdout.write(line + '\n');
const names = (parts) => parts.map((p) => `${p.topic}-${p.partition}`).sort().join(',');

const consumer = new Kafka.KafkaConsumer({
  'bootstrap.servers': bootstrap,
  'group.id': group,
  'group.protocol': 'consumer',
  'enable.auto.commit': false,
  'auto.offset.reset': 'earliest',
  'rebalance_cb': function (err, assignment) {
    if (err.code === Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS) {
      this.incrementalAssign(assignment);
      out('assigned ' + names(assignment));
    } else if (err.code === Kafka.CODES.ERRORS.ERR__REVOKE_PARTITIONS) {
      this.incrementalUnassign(assignment);
      out('revoked ' + names(assignment));
    } else {
      out('rebalance-error ' + err.message);
    }
  },
}, {});

let closing = false;
function close() {
  if (closing) {
    return;
  }
  closing = true;
  consumer.disconnect(() => {
    out('closed');
    process.exit(0);
  });
}

consumer.on('event.error', (e) => out('error ' + e.message));
consumer.on('ready', () => {
  consumer.subscribe([topic]);
  const poll = () => {
    if (closing) {
      return;
    }
    consumer.consume(100, (err, messages) => {
      if (err) {
        out('error ' + err.message);
      } else {
        for (const m of messages) {
          consumer.commitMessageSync(m);
          out(`record ${m.partition} ${m.offset} ${m.value.toString()}`);
        }
      }
      setImmediate(poll);
    });
  };
  poll();
});
consumer.connect();
process.stdin.on('end', close);
process.stdin.resume();
setTimeout(close, Number(maxSeconds) * 1000);
