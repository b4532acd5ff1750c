/**
 * Email over SMTP (nodemailer): an HTML and a text part, a subject that sorts in an inbox, and headers
 * that thread an incident's messages together. STARTTLS is used when the server offers it; smtps://
 * is TLS from the first byte. The SMTP URL carries the password, so it is masked whole and in parts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { SluiceError } from '../../errors/errors';
import { SecretSet } from '../../secrets/task-secrets';
import type { AlertMessage, DeliveryAnswer } from '../message';
import { DEFAULT_TIMEOUT_MS, errorText, guardedChannel, permanent, retry, type AlertChannel } from './channel';
import type { AlertTemplates } from './templates';

export interface EmailSettings {
  /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS). */
  readonly url: string;
  readonly from: string;
  /** A PEM file of certificates to trust, for a server with a self-signed or private-CA certificate. */
  readonly caFile?: string;
  readonly timeoutMs?: number;
}

/** What nodemailer puts on its errors (its NodemailerError, as far as this reads it). */
interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly permanent?: boolean;
}

// Errors with no SMTP reply that a retry would meet again: credentials, configuration, the envelope.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EREQUIRETLS', 'EMAXRECIPIENTS']);

function smtpFailure(e: unknown): DeliveryAnswer {
  const { code, responseCode, permanent: never } = (typeof e === 'object' && e !== null ? e : {}) as SmtpError;
  const text = errorText(e);
  const answer = /certificate/i.test(text)
    ? `${text} (to trust the server's certificate, give its PEM as caFile)`
    : text;
  // nodemailer reads the reply class: 5xx is permanent (but 503, a session out of step), 4xx temporary.
  if (responseCode !== undefined) return never ? permanent(answer) : retry(answer);
  return code && PERMANENT_CODES.has(code) ? permanent(answer) : retry(answer);
}

function secretsOf(url: string): SecretSet {
  const secrets = new SecretSet();
  secrets.add(url);
  try {
    const u = new URL(url);
    const pass = decodeURIComponent(u.password);
    const user = decodeURIComponent(u.username);
    secrets.add(u.password);
    secrets.add(pass);
    // How AUTH LOGIN and AUTH PLAIN put it on the wire, should a server echo it.
    if (pass) secrets.add(Buffer.from(pass).toString('base64'));
    if (pass) secrets.add(Buffer.from(`\0${user}\0${pass}`).toString('base64'));
  } catch {
    // Not a URL: masked whole, and nodemailer's answer says what is wrong with it.
  }
  return secrets;
}

/**
 * A Message-ID-like id per incident: every message of it names this as its parent, so mail clients that
 * thread by References (Thunderbird, Apple Mail, Outlook) show a recovery under its failure.
 */
function threadId(m: AlertMessage, from: string): string {
  const domain = /@([^\s>]+)/.exec(from)?.[1] ?? 'sluice.invalid';
  return `<incident.${createHash('sha256').update(m.dedupeKey).digest('hex').slice(0, 24)}@${domain}>`;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SluiceError('CONFIG_INVALID', `the SMTP CA file ${file} cannot be read: ${errorText(e)}`);
  }
}

export function emailChannel(settings: EmailSettings, templates: AlertTemplates): AlertChannel {
  const secrets = secretsOf(settings.url);
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Pooled: a storm's emails share a few SMTP sessions instead of a handshake (and TLS) each.
  const transport = nodemailer.createTransport({
    url: settings.url,
    pool: true,
    maxConnections: 3,
    tls: settings.caFile ? { ca: readCa(settings.caFile) } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
  });
  return guardedChannel({
    kind: 'email',
    secrets,
    timeoutMs,
    async attempt(to, m) {
      const { subject, html, text } = templates.email(m);
      const thread = threadId(m, settings.from);
      const info = await transport.sendMail({
        from: settings.from,
        to,
        subject,
        html,
        text,
        references: thread,
        inReplyTo: thread,
        headers: { 'X-Sluice-Dedupe-Key': m.dedupeKey, 'X-Sluice-Kind': m.kind },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const rejected = info.rejected.length ? `; rejected ${info.rejected.join(', ')}` : '';
      return { ok: true, answer: `${info.response}${rejected}`, providerId: info.messageId };
    },
    failure: smtpFailure,
    close: async () => transport.close(),
  });
}
