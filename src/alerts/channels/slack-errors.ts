/**
 * What Slack's failures mean for a delivery, for both of its SDK clients (the Web API's and the incoming
 * webhook's): try again later (down, timed out, 5xx, rate limited) or never (a bad token, a channel the
 * bot cannot post to, blocks Slack refuses, a webhook that was removed).
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import type { DeliveryAnswer } from '../message';
import { errorText, permanent, retry } from './channel';

// chat.postMessage's errors that say "not now" (docs.slack.dev/reference/methods/chat.postMessage);
// every other one (invalid_auth, channel_not_found, is_archived, invalid_blocks, ...) says "not like this".
const TRANSIENT = new Set([
  'ratelimited',
  'request_timeout',
  'service_unavailable',
  'fatal_error',
  'internal_error',
  'team_added_to_org',
]);

// What to do about the common permanent ones, shown with the error on the alerts page.
const HINTS: Record<string, string> = {
  invalid_auth: 'the bot token is not valid',
  not_authed: 'no bot token was sent',
  account_inactive: 'the token belongs to a deactivated user or app',
  token_revoked: 'the bot token was revoked',
  channel_not_found: 'no such channel, or the bot cannot see it (private channels need an invite)',
  not_in_channel: 'invite the bot to the channel',
  is_archived: 'the channel is archived',
  msg_too_long: 'the message is too long',
  msg_blocks_too_long: 'the blocks are too long',
  invalid_blocks: 'Slack refused the blocks (check an overridden slack.hbs)',
  missing_scope: 'the bot lacks the chat:write scope',
  no_service: 'the incoming webhook was removed or disabled',
  invalid_token: 'the incoming webhook URL is no longer valid',
  channel_is_archived: 'the channel is archived',
  action_prohibited: 'an admin restricted posting to this channel',
  no_active_hooks: 'the incoming webhook is disabled',
};

const withHint = (code: string) => (HINTS[code] ? `${code}: ${HINTS[code]}` : code);

/** Retry-After in milliseconds, when the header holds a number of seconds. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  const seconds = header ? Number.parseInt(header, 10) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : undefined;
}

/** An HTTP error from either client: 429 and 5xx come and go, other statuses stay. */
function httpAnswer(status: number, body: unknown, retryAfter?: number): DeliveryAnswer {
  const said = typeof body === 'string' ? body.trim() : body === undefined ? '' : JSON.stringify(body);
  const code = /^[a-z_]+$/.test(said) ? withHint(said) : said.slice(0, 200);
  const answer = `HTTP ${status}${code ? `: ${code}` : ''}`;
  if (status === 429) return retry(`rate limited (${answer})`, retryAfter);
  return status >= 500 ? retry(answer, retryAfter) : permanent(answer);
}

/** The answer for what a Slack client threw; `retryAfter` is the Retry-After a webhook answer carried. */
export function slackFailure(e: unknown, retryAfter?: number): DeliveryAnswer {
  if (e instanceof WebAPIRateLimitedError)
    return retry(`rate limited: Slack asks to wait ${e.retryAfter} s`, e.retryAfter * 1_000);
  if (e instanceof WebAPIPlatformError) {
    const code = e.data.error;
    return TRANSIENT.has(code) ? retry(code, retryAfter) : permanent(withHint(code));
  }
  if (e instanceof WebAPIHTTPError)
    return httpAnswer(e.statusCode, e.body, retryAfterMs(e.headers['retry-after']) ?? retryAfter);
  if (e instanceof IncomingWebhookHTTPError) return httpAnswer(e.statusCode, e.body, retryAfter);
  if (e instanceof WebAPIRequestError || e instanceof IncomingWebhookRequestError)
    return retry(`no answer from Slack: ${errorText(e.original)}`);
  return retry(errorText(e));
}
