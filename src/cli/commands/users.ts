import type { Command } from 'commander';
import {
  createApiToken,
  createUser,
  deleteUser,
  listTokens,
  listUsers,
  resetPassword,
  revokeApiToken,
} from '../../actions/users';
import { parseRole, ROLES, type Role } from '../../auth/roles';
import { SluiceError } from '../../errors/errors';
import { config, withRuntime } from '../context';
import { json, table } from '../output';

function role(v: string): Role {
  const r = parseRole(v);
  if (!r) throw new SluiceError('USAGE', `--role must be one of ${ROLES.join(', ')}, got "${v}"`);
  return r;
}

/** The password piped on stdin (first line), so it never shows in the shell's history or `ps`. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  if (!text) throw new SluiceError('USAGE', '--password-stdin: no password on stdin');
  return text;
}

const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 19)}Z` : '');

export function usersCommands(program: Command): void {
  const users = program
    .command('users')
    .description(`web UI and API users and their roles (${ROLES.join(' < ')}) and API tokens`);

  users
    .command('create <username>')
    .description('add a user; the password is generated and printed once unless --password-stdin')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, role)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(async (username: string, o: { role: Role; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await passwordFromStdin() : undefined;
      const made = await withRuntime(config(), (rt) => createUser(rt.db, { username, role: o.role, password }));
      console.log(`created user ${made.user.username} (${made.user.role})`);
      if (made.generated) console.log(`password: ${made.password}`);
    });

  users
    .command('list')
    .description('users, their roles and last logins')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const rows = await withRuntime(config(), (rt) => listUsers(rt.db), { announce: !o.json });
      if (o.json) return void console.log(json(rows.map(({ id: _id, ...u }) => u)));
      if (!rows.length) return void console.log('no users yet: sluice users create <name> --role Admin');
      console.log(
        table(
          ['user', 'role', 'created', 'last login'],
          rows.map((u) => [u.username, u.role, when(u.createdAt), when(u.lastLoginAt)]),
        ),
      );
    });

  users
    .command('delete <username>')
    .description('remove a user, with their sessions and API tokens (never the last Admin)')
    .action(async (username: string) => {
      await withRuntime(config(), (rt) => deleteUser(rt.db, username));
      console.log(`deleted user ${username}`);
    });

  users
    .command('reset-password <username>')
    .description("set a new password (generated unless --password-stdin); ends the user's sessions")
    .option('--role <role>', `also change the role: one of ${ROLES.join(', ')}`, role)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(async (username: string, o: { role?: Role; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await passwordFromStdin() : undefined;
      const done = await withRuntime(config(), (rt) => resetPassword(rt.db, { username, password, role: o.role }));
      console.log(`new password set for ${done.user.username} (${done.user.role})`);
      if (done.generated) console.log(`password: ${done.password}`);
    });

  const tokens = users.command('tokens').description('API tokens for scripts (Authorization: Bearer <token>)');
  tokens
    .command('create <username> <name>')
    .description('make a token acting as the user, with their role; printed once')
    .option('--expires-in-days <n>', 'the token stops working after n days (default: never)', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new SluiceError('USAGE', `--expires-in-days must be a number > 0, got "${v}"`);
      return n;
    })
    .action(async (username: string, name: string, o: { expiresInDays?: number }) => {
      const ttlSeconds = o.expiresInDays === undefined ? undefined : o.expiresInDays * 86400;
      const made = await withRuntime(config(), (rt) => createApiToken(rt.db, { username, name, ttlSeconds }));
      console.log(`token ${name} for ${username}${made.row.expiresAt ? `, expires ${when(made.row.expiresAt)}` : ''}`);
      console.log(made.token);
    });
  tokens
    .command('list [username]')
    .description('tokens (never their values), with when each was last used')
    .option('--json', 'machine-readable output')
    .action(async (username: string | undefined, o: { json?: boolean }) => {
      const rows = await withRuntime(config(), (rt) => listTokens(rt.db, username), { announce: !o.json });
      if (o.json) return void console.log(json(rows.map(({ id: _id, ...t }) => t)));
      console.log(
        table(
          ['user', 'token', 'created', 'expires', 'last used'],
          rows.map((t) => [t.username, t.name, when(t.createdAt), when(t.expiresAt), when(t.lastUsedAt)]),
        ),
      );
    });
  tokens
    .command('revoke <username> <name>')
    .description('delete a token; scripts using it get 401 from then on')
    .action(async (username: string, name: string) => {
      await withRuntime(config(), (rt) => revokeApiToken(rt.db, username, name));
      console.log(`revoked token ${name} of ${username}`);
    });
}
