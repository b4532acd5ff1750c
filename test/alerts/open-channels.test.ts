import { openChannels } from '../../src/alerts/channels/open-channels';
import { createAlertTemplates } from '../../src/alerts/channels/templates';

const templates = createAlertTemplates();

test('opens a channel for each kind of settings given, and only those', async () => {
  const channels = openChannels(
    {
      slack: { token: 'xoxb-test-token' },
      email: { url: 'smtp://127.0.0.1:2525', from: 'sluice@example.test' },
    },
    templates,
  );
  expect(Object.keys(channels).sort()).toEqual(['email', 'slack']);
  expect(channels.slack?.kind).toBe('slack');
  expect(channels.email?.kind).toBe('email');
  await Promise.all(Object.values(channels).map((c) => c.close()));

  const hooks = openChannels({ webhook: { webhooks: { ops: 'https://hooks.slack.test/services/T/B/x' } } }, templates);
  expect(Object.keys(hooks)).toEqual(['webhook']);
  expect(openChannels({}, templates)).toEqual({});
});
