/**
 * Child process of the alerts benchmark: the loopback Slack Web API and SMTP stand-ins of the tests
 * (test/support/loopback-alert-servers.ts), in a process of their own so that the benchmark
 * process's CPU and memory are the dispatcher's, not the servers' parsing of what it sends. Each
 * message is reported over IPC with the time it was received: a Slack call when its body has
 * arrived, a mail when its DATA has (both just before the answer goes back). Started by
 * alert-sinks.ts through forkTs.
 */
import { startSlackApi, startSmtpServer } from '../../test/support/loopback-alert-servers';
import type { Arrival, SinksMessage } from './alert-sinks';

/** Calls `on` with every item added to `list` (the stand-ins record what came, not when). */
function onPush<T>(list: T[], on: (item: T) => void): void {
  const push = list.push.bind(list);
  list.push = (...items: T[]) => {
    for (const item of items) on(item);
    return push(...items);
  };
}

async function main(): Promise<void> {
  const slack = await startSlackApi();
  const smtp = await startSmtpServer();
  const send = (m: SinksMessage) => process.send!(m);
  onPush(slack.requests, (r) => {
    if (r.apiMethod !== 'chat.postMessage') return;
    const a: Arrival = { channel: 'slack', to: r.form.channel ?? '', text: r.form.text ?? '', at: Date.now() };
    send({ arrival: a });
  });
  onPush(smtp.messages, (m) => {
    const a: Arrival = { channel: 'email', to: m.envelope.to.join(','), text: m.mail.subject, at: Date.now() };
    send({ arrival: a });
  });
  process.on('message', (m: string) => {
    if (m !== 'close') return;
    void Promise.all([slack.close(), smtp.close()]).then(() => process.exit(0));
  });
  // The parent going away ends this process too.
  process.on('disconnect', () => process.exit(0));
  send({ ready: { slackUrl: slack.url, smtpUrl: smtp.url() } });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
