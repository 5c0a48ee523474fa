import { dataset } from './dataset';
(async () => { const t = Date.now(); const d = await dataset({ contacts: 100_000, reports: 1_000_000, outbound: 5_000_000, inbound: 5_000_000 }); console.log('built', d.dir, (Date.now() - t) / 1000); const d2 = await dataset({ contacts: 100_000, reports: 1_000_000, outbound: 0, inbound: 0 }); console.log('built', d2.dir); process.exit(0); })();
