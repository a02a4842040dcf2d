// Child process of crash.test.ts: a hub on fixed ports, real clock, short
// windows; prints "ready" once up. The parent SIGKILLs it at random moments.
import { Hub } from '../../../hub/service/hub';

const [dataDir, mqttPort, httpPort] = process.argv.slice(2);
const hub = new Hub({
  dataDir: dataDir!,
  village: 'crashvillage',
  mqtt: { mode: 'embedded', host: '127.0.0.1', port: Number(mqttPort), wsPort: null },
  httpPort: Number(httpPort),
  httpHost: '127.0.0.1',
  sntpPort: null,
  adminToken: 'crash-token',
  publicHost: '127.0.0.1',
  settlementGraceMs: 400,
  contractResendMs: 200,
  timePublishMs: 1_000,
  loopMs: 25,
  market: { slotMs: 1 },
  grid: { kind: 'bus', busLimitMW: 50_000_000 },
  log: (level, m) => {
    if (level === 'error' || process.env.CRASH_DEBUG) process.stderr.write(`${level} ${m}\n`);
  },
});
await hub.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void hub.stop().then(() => process.exit(0));
});
