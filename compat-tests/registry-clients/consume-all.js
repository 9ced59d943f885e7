// Reads the first <count> records of a topic with a KafkaJS consumer in a group of its own, handing
// each to onMessage in order; fails after 60 s. Shared by the registry client scripts.
'use strict';

module.exports = async function consumeAll(kafka, topic, group, count, onMessage) {
  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen} of ${count} records in 60 s`)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        await onMessage(message);
        if (++seen === count) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
};
