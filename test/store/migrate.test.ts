import fs from 'node:fs';
import path from 'node:path';
import { EmbeddedStore } from '../../src/store';
import { copyStore } from '../../src/store/migrate';
import { tempDir } from '../helpers/engines';
import { startService } from '../helpers/service';

// The CLI (`npm run migrate -- --to-mongo`) runs this copy with MongoDB as the target; no
// MongoDB server can run here, so the copy is checked between two embedded stores.
test('a deployment copied store to store keeps every document, id and index; an interrupted copy resumes', async () => {
  const svc = await startService();
  const tmp = tempDir();
  try {
    for (let i = 0; i < 6; i++) await svc.say(`+24399000090${i}`, `PRIX OR ${250000 + i} FC G`);
    await svc.say('+243990000909', 'ACCIDENT EBOULEMENT 2 1 Kamituga');
    const sourceDir = svc.service.config.dataDir;
    const before = await svc.service.store.collection('reports').find({}, { sort: { _id: 1 } });
    await svc.service.stop(); // the data folder stays: it is the source

    const source = new EmbeddedStore({ dir: sourceDir });
    const target = new EmbeddedStore({ dir: path.join(tmp.dir, 'target') });
    try {
      const report = await copyStore(source, target, { batch: 3 });
      for (const [name, r] of Object.entries(report))
        expect({ name, ...r }).toEqual({ name, source: r.source, target: r.source, copied: r.source });
      expect(report.reports.target).toBe(7);
      expect(await target.collection('reports').find({}, { sort: { _id: 1 } })).toEqual(before);
      // unique indexes came along
      await expect(target.collection('reports').insertOne({ ...before[0], _id: undefined })).rejects.toThrow(
        /duplicate key/,
      );
      // a second copy into a full target is refused; with resume it adds only what is missing
      await expect(copyStore(source, target)).rejects.toThrow(/already holds .* documents/);
      await target.collection('reports').deleteOne({ _id: before[2]._id });
      const again = await copyStore(source, target, { resume: true, batch: 3 });
      expect(again.reports).toEqual({ source: 7, target: 7, copied: 1 });
    } finally {
      await source.close();
      await target.close();
    }
  } finally {
    tmp.remove();
    fs.rmSync(svc.service.config.dataDir, { recursive: true, force: true });
  }
});
