/** The channels whose settings are present, for the dispatcher to pick from by a target's channel. */
import type { AlertTarget } from '../message';
import type { AlertChannel } from './channel';
import { emailChannel, type EmailSettings } from './email';
import { slackChannel, type SlackSettings } from './slack';
import { webhookChannel, type WebhookSettings } from './slack-webhook';
import type { AlertTemplates } from './templates';

export interface ChannelSettings {
  readonly slack?: SlackSettings;
  readonly webhook?: WebhookSettings;
  readonly email?: EmailSettings;
}

export type OpenChannels = { readonly [K in AlertTarget['channel']]?: AlertChannel };

export function openChannels(settings: ChannelSettings, templates: AlertTemplates): OpenChannels {
  return {
    ...(settings.slack && { slack: slackChannel(settings.slack, templates) }),
    ...(settings.webhook && { webhook: webhookChannel(settings.webhook, templates) }),
    ...(settings.email && { email: emailChannel(settings.email, templates) }),
  };
}
