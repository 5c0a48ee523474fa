import { FakeTwilio } from '../helpers/fakeTwilio';
import { login } from '../helpers/dashboard';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, api, startService } from '../helpers/service';
import { TestCall } from '../helpers/voiceCall';

/** An incident by phone with a spoken description: confidential (1) or anonymous (2). */
async function incidentWithRecording(svc: TestService, from: string, privacy: '1' | '2') {
  const call = new TestCall(svc.url, from);
  await call.dial();
  for (const keys of ['2', '1', '0#', '0#', '1']) await call.press(keys);
  await call.record(14);
  return call.press(privacy);
}

describe('recordings are private: kept at Twilio, heard by staff, gone with anonymity or time', () => {
  let fake: FakeTwilio;
  let svc: TestService;
  let clock: number;

  beforeEach(async () => {
    fake = await new FakeTwilio().start();
    clock = Date.now();
    svc = await startService(
      { ...TEST_TWILIO, TWILIO_API_BASE: fake.url, RETENTION_DAYS: '30' },
      { clock: () => new Date(clock) },
    );
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
  });

  const reports = () => svc.service.store.collection('reports').find({ kind: 'incident' });

  test('a confidential report keeps the recording sid and length; staff play it through the dashboard, read with the account', async () => {
    await incidentWithRecording(svc, '+243990000501', '1');
    const [report] = await reports();
    expect(report.recording).toEqual({ sid: expect.stringMatching(/^RE[0-9a-f]{32}$/), durationSec: 14 });
    fake.recordings.set(report.recording!.sid, Buffer.from('ID3 spoken description'));

    const staff = await login(svc, TEST_ADMIN_TOKEN);
    // reports by phone read as such wherever staff see them
    for (const path of ['/dashboard', '/dashboard/reports', '/dashboard/contacts'])
      expect((await staff.get(path)).status).toBe(200);
    const page = await staff.get(`/dashboard/reports/${report._id}`);
    expect(page.text).toContain('<dd>Phone call</dd>');
    expect(page.text).toContain(
      `<audio controls preload="none" src="/dashboard/reports/${report._id}/recording"></audio>`,
    );
    const audio = await staff.get(`/dashboard/reports/${report._id}/recording`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect(audio.headers.get('cache-control')).toBe('private, no-store');
    expect(audio.text).toBe('ID3 spoken description');
    const basic = `Basic ${Buffer.from(`${TEST_TWILIO.TWILIO_ACCOUNT_SID}:${TEST_TWILIO.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
    expect(fake.recordingAuth).toEqual([basic]);

    const viewerToken = (
      await api(svc, 'POST', '/api/v1/credentials', { name: 'Ministry reader', role: 'viewer' })
    ).body.token as string;
    const viewer = await login(svc, viewerToken);
    expect((await viewer.get(`/dashboard/reports/${report._id}/recording`)).status).toBe(403);
    expect(
      (await fetch(`${svc.url}/dashboard/reports/${report._id}/recording`, { redirect: 'manual' })).status,
    ).not.toBe(200);
  });

  test('an anonymous report keeps no recording: the caller is told, and the copy at Twilio is deleted', async () => {
    const heard = await incidentWithRecording(svc, '+255712000501', '2');
    expect(heard.heard).toContain('Ripoti isiyo na jina haihifadhi sauti: maelezo yako ya sauti yamefutwa.');
    const [report] = await reports();
    expect(report).toMatchObject({ anonymous: true });
    expect(report.recording).toBeUndefined();
    const [call] = await svc.service.store.collection('voiceCalls').find({});
    expect(call.recordings).toEqual([
      { sid: expect.stringMatching(/^RE[0-9a-f]{32}$/), until: expect.any(Date) },
    ]);
    const sid = call.recordings![0].sid;
    fake.recordings.set(sid, Buffer.from('voice'));
    await svc.service.scheduler.runNow('recordings');
    expect(fake.deletedRecordings).toEqual([sid]);
    expect(fake.recordings.has(sid)).toBe(false);
    const after = (await svc.service.store.collection('voiceCalls').findOne({ _id: call._id }))!;
    expect(after.recordings ?? []).toEqual([]);
    expect(after.recordingsDue).toBeUndefined();
  });

  test('after the retention, the recording is deleted at Twilio and the report keeps the rest', async () => {
    await incidentWithRecording(svc, '+243990000502', '1');
    const [report] = await reports();
    const sid = report.recording!.sid;
    fake.recordings.set(sid, Buffer.from('voice'));
    await svc.service.scheduler.runNow('recordings');
    clock += 29 * 86_400_000;
    await svc.service.scheduler.runNow('recordings');
    expect(fake.deletedRecordings).toEqual([]);
    clock += 2 * 86_400_000;
    await svc.service.scheduler.runNow('recordings');
    expect(fake.deletedRecordings).toEqual([sid]);
    const after = await svc.service.store.collection('reports').findOne({ _id: report._id });
    expect(after).toMatchObject({ kind: 'incident', reference: report.reference });
    expect(after!.recording).toBeUndefined();
  });
});
