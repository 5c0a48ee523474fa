// Child process for the durability test: writes documents forever, printing "ack <id>"
// only after each write has been acknowledged, until the parent kills it with SIGKILL.
import { EmbeddedStore } from '../../src/store';

async function main() {
  const store = new EmbeddedStore({ dir: process.argv[2] });
  const out = store.collection('outbound');
  for (let i = 0; ; i++) {
    const doc = await out.insertOne({
      channel: 'sms',
      transport: 'twilio',
      to: '+243990000001',
      text: `m${i}`,
    });
    process.stdout.write(`ack ${doc._id}\n`);
  }
}
void main();
