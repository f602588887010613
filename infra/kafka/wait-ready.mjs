// Waits until a Kafka broker answers a metadata request: `node wait-ready.mjs host:port seconds`.
// Exits 0 once it does, 1 when the time is up (the caller prints the broker's log).
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [broker, seconds = '60'] = process.argv.slice(2);
if (!broker) {
  console.error('usage: node wait-ready.mjs host:port [seconds]');
  process.exit(2);
}
const deadline = Date.now() + Number(seconds) * 1000;
const kafka = new Kafka({
  clientId: 'signalroom-wait-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 2000,
  retry: { retries: 0 },
});

while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    if (cluster.brokers.length > 0) process.exit(0);
  } catch {
    await admin.disconnect().catch(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
process.exit(1);
