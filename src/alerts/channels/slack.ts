/**
 * Slack through the Web API (`chat.postMessage` with a bot token): blocks plus the fallback text. The
 * client tries once (retryConfig retries 0, rate-limited calls rejected rather than waited out): the
 * dispatcher retries durably, and learns from the answer how long Slack asked it to wait.
 */
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { SecretSet } from '../../secrets/task-secrets';
import { DEFAULT_TIMEOUT_MS, guardedChannel, type AlertChannel } from './channel';
import { slackFailure } from './slack-errors';
import type { AlertTemplates } from './templates';

export interface SlackSettings {
  /** The bot token (xoxb-…), with the chat:write scope. */
  readonly token: string;
  /** The Web API's base URL; tests point it at a loopback server. Default https://slack.com/api/. */
  readonly apiUrl?: string;
  readonly timeoutMs?: number;
}

// The client logs request details at debug and failures at warn; the answer says it all, so it says nothing.
const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

export function slackChannel(settings: SlackSettings, templates: AlertTemplates): AlertChannel {
  const secrets = new SecretSet();
  secrets.add(settings.token);
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new WebClient(settings.token, {
    // The client appends the method name to this as is.
    slackApiUrl: settings.apiUrl?.replace(/\/?$/, '/'),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    logger: quiet,
  });
  return guardedChannel({
    kind: 'slack',
    secrets,
    timeoutMs,
    async attempt(to, m) {
      const { text, blocks } = templates.slack(m);
      const r = await client.chat.postMessage({ channel: to, text, blocks, unfurl_links: false });
      return { ok: true, answer: `posted to ${r.channel} at ${r.ts}`, providerId: `${r.channel}:${r.ts}` };
    },
    failure: (e) => slackFailure(e),
  });
}
