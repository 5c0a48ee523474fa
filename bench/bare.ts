import express from 'express';

/** The webhook benchmark's baseline, in a process of its own: parse the form, answer empty TwiML. */
const app = express();
app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
app.post('/webhooks/twilio/sms', (_req, res) => {
  res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
const server = app.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
