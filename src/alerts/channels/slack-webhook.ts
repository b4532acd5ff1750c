/**
 * Slack incoming webhooks, addressed by name: the URL is itself the credential (whoever has it can post),
 * so it lives in settings only and is masked, with each part of its path, out of every answer.
 */
import { IncomingWebhook } from '@slack/webhook';
import { SecretSet } from '../../secrets/task-secrets';
import { DEFAULT_TIMEOUT_MS, guardedChannel, permanent, type AlertChannel } from './channel';
import { retryAfterMs, slackFailure } from './slack-errors';
import type { AlertTemplates } from './templates';

export interface WebhookSettings {
  /** Webhook name → its URL (https://hooks.slack.com/services/T…/B…/…). */
  readonly webhooks: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Why a URL cannot be a webhook's, or undefined when it can. */
function badUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'is not an http(s) URL';
  if (u.username || u.password) return 'has a user or password in it, which fetch refuses';
  return undefined;
}

function secretsOf(urls: readonly string[]): SecretSet {
  const secrets = new SecretSet();
  for (const url of urls) {
    secrets.add(url);
    try {
      const u = new URL(url);
      secrets.add(u.href);
      secrets.add(u.pathname + u.search);
      for (const part of u.pathname.split('/')) secrets.add(decodeURIComponent(part));
    } catch {
      // Not a URL: masked whole, and badUrl says so.
    }
  }
  return secrets;
}

export function webhookChannel(settings: WebhookSettings, templates: AlertTemplates): AlertChannel {
  const secrets = secretsOf(Object.values(settings.webhooks));
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const names = Object.keys(settings.webhooks);
  const known = names.length ? `known: ${names.join(', ')}` : 'none are configured';
  return guardedChannel({
    kind: 'webhook',
    secrets,
    timeoutMs,
    async attempt(name, m) {
      const url = Object.hasOwn(settings.webhooks, name) ? settings.webhooks[name] : undefined;
      if (url === undefined) return permanent(`no webhook named "${name}" (${known})`);
      const bad = badUrl(url);
      if (bad) return permanent(`the URL of webhook "${name}" ${bad}`);
      // Read from the answer, which the client does not keep on its error: how long Slack asks to wait.
      let retryAfter: number | undefined;
      const hook = new IncomingWebhook(url, {
        timeout: timeoutMs,
        fetch: async (input, init) => {
          const r = await fetch(input, init);
          retryAfter = retryAfterMs(r.headers.get('retry-after'));
          return r;
        },
      });
      const { text, blocks } = templates.slack(m);
      try {
        const r = await hook.send({ text, blocks, unfurl_links: false });
        return { ok: true, answer: `webhook "${name}": ${r.text}` };
      } catch (e) {
        const a = slackFailure(e, retryAfter);
        return { ...a, answer: `webhook "${name}": ${a.answer}` };
      }
    },
    failure: (e) => slackFailure(e),
  });
}
