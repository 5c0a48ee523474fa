import { startService } from '../helpers/service';

test('a logged message whose handling never finished is handled from our own log by the retry job', async () => {
  const svc = await startService();
  try {
    const store = svc.service.store;
    // As if the process died right after logging an update, before handling it
    await store.collection('inbound').insertOne({
      channel: 'telegram',
      transport: 'simulator',
      providerMessageId: '7000000001:555',
      address: '5123456789',
      text: 'PRICE GOLD 4000 GHS G',
      receivedAt: new Date(Date.now() - 120_000),
    });
    expect(await svc.service.scheduler.runNow('inbound-retry')).toBe(true);
    expect(await store.collection('inbound').findOne({})).toMatchObject({ status: 'handled' });
    expect(await store.collection('reports').findOne({})).toMatchObject({
      mineral: 'gold',
      amount: 4000,
      channel: 'telegram',
    });
    expect((await store.collection('outbound').findOne({}))!.text).toMatch(/^Saved: Gold 4,000 GHS\/g/);
    // running it again changes nothing
    await svc.service.scheduler.runNow('inbound-retry');
    expect(await store.collection('reports').countDocuments()).toBe(1);
    expect(await store.collection('outbound').countDocuments()).toBe(1);
  } finally {
    await svc.stop();
  }
});
