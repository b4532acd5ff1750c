/** API routes on users and their API tokens (the Admin role): what `sluice users …` does, over HTTP. */
import type { Request } from 'express';
import {
  changeRole,
  createApiToken,
  createUser,
  deleteUser,
  findUser,
  listTokens,
  listUsers,
  resetPassword,
  revokeApiTokenById,
  type ApiTokenRow,
  type UserRow,
} from '../../actions/users';
import { parseRole, ROLES, type Role } from '../../auth/roles';
import { SluiceError } from '../../errors/errors';
import { paged, paging, PAGING, param, queryText, type ApiRoute } from './route-kit';
import { int, ntime, obj, page, ref, str, time } from './schemas';

const USER = {
  username: str,
  role: { enum: [...ROLES] },
  created_at: time,
  last_login_at: ntime,
};
const TOKEN = {
  id: int,
  name: str,
  username: str,
  created_at: time,
  expires_at: ntime,
  last_used_at: ntime,
};

export const USER_SCHEMAS = {
  User: obj(USER),
  UserWithPassword: obj(
    { ...USER, password: { ...str, description: 'the generated password, shown this once (absent when given)' } },
    Object.keys(USER),
  ),
  UserCreate: obj(
    {
      username: { ...str, description: '1–64 letters, digits and . _ @ -, starting with a letter or digit' },
      role: { enum: [...ROLES] },
      password: { ...str, description: 'at least 8 characters; absent: one is generated and returned once' },
    },
    ['username', 'role'],
  ),
  UserPatch: obj(
    {
      role: { enum: [...ROLES] },
      password: {
        type: ['string', 'null'],
        description: "a new password; null: generate one (returned once); either way the user's sessions end",
      },
    },
    [],
  ),
  ApiToken: obj(TOKEN),
  NewApiToken: obj({ ...TOKEN, token: { ...str, description: 'the secret, shown this once' } }),
  TokenCreate: obj(
    {
      name: { ...str, description: "the token's name, unique per user (1–100 characters)" },
      expires_in_days: { type: 'number', exclusiveMinimum: 0, description: 'absent: never expires' },
    },
    ['name'],
  ),
} as const;

const userOut = (u: UserRow) => ({
  username: u.username,
  role: u.role,
  created_at: u.createdAt,
  last_login_at: u.lastLoginAt,
});

const tokenOut = (t: ApiTokenRow) => ({
  id: Number(t.id),
  name: t.name,
  username: t.username,
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  last_used_at: t.lastUsedAt,
});

const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

function roleOf(v: unknown): Role {
  const r = typeof v === 'string' ? parseRole(v) : undefined;
  if (!r) throw new SluiceError('USAGE', `role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(v)}`);
  return r;
}

function passwordOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new SluiceError('USAGE', 'password must be a string');
  return v;
}

const withPassword = (made: { user: UserRow; password: string; generated: boolean }) => ({
  ...userOut(made.user),
  ...(made.generated ? { password: made.password } : {}),
});

const USERNAME = '/users/{username}';

export const USER_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/users',
    summary: 'users, by name',
    permission: 'admin',
    query: [...PAGING, { name: 'role', description: 'only users of this role', schema: { enum: [...ROLES] } }],
    response: page('User'),
    handle: async (req, deps) => {
      const role = queryText(req, 'role');
      const wanted = role === undefined ? undefined : roleOf(role);
      const users = (await listUsers(deps.rt.db)).filter((u) => !wanted || u.role === wanted);
      return paged(users.map(userOut), paging(req));
    },
  },
  {
    method: 'post',
    path: '/users',
    summary: 'add a user; without a password one is generated and returned once',
    permission: 'admin',
    body: ref('UserCreate'),
    status: 201,
    response: ref('UserWithPassword'),
    handle: async (req, deps) => {
      const b = body(req);
      if (typeof b.username !== 'string') throw new SluiceError('USAGE', 'username must be a string');
      return withPassword(
        await createUser(deps.rt.db, { username: b.username, role: roleOf(b.role), password: passwordOf(b.password) }),
      );
    },
  },
  {
    method: 'get',
    path: USERNAME,
    summary: 'one user',
    permission: 'admin',
    response: ref('User'),
    handle: async (req, deps) => userOut(await findUser(deps.rt.db, param(req, 'username'))),
  },
  {
    method: 'patch',
    path: USERNAME,
    summary: "change a user's role and/or password (a new password ends their sessions)",
    permission: 'admin',
    body: ref('UserPatch'),
    response: ref('UserWithPassword'),
    handle: async (req, deps) => {
      const b = body(req);
      const username = param(req, 'username');
      const role = b.role === undefined ? undefined : roleOf(b.role);
      if (!('password' in b)) {
        if (!role) throw new SluiceError('USAGE', 'the body must give role and/or password');
        return userOut(await changeRole(deps.rt.db, username, role));
      }
      return withPassword(await resetPassword(deps.rt.db, { username, role, password: passwordOf(b.password) }));
    },
  },
  {
    method: 'delete',
    path: USERNAME,
    summary: 'remove a user with their sessions and tokens (not yourself, not the last Admin); returns who it was',
    permission: 'admin',
    response: ref('User'),
    handle: async (req, deps, viewer) => {
      const user = await findUser(deps.rt.db, param(req, 'username'));
      await deleteUser(deps.rt.db, user.username, { by: viewer?.user.username });
      return userOut(user);
    },
  },
  {
    method: 'get',
    path: `${USERNAME}/tokens`,
    summary: "a user's API tokens (never their secrets)",
    permission: 'admin',
    query: PAGING,
    response: page('ApiToken'),
    handle: async (req, deps) => {
      const user = await findUser(deps.rt.db, param(req, 'username'));
      return paged((await listTokens(deps.rt.db, user.username)).map(tokenOut), paging(req));
    },
  },
  {
    method: 'post',
    path: `${USERNAME}/tokens`,
    summary: 'make an API token acting as the user; the secret is returned this once',
    permission: 'admin',
    body: ref('TokenCreate'),
    status: 201,
    response: ref('NewApiToken'),
    handle: async (req, deps) => {
      const b = body(req);
      if (typeof b.name !== 'string') throw new SluiceError('USAGE', 'name must be a string');
      const days = b.expires_in_days;
      if (days !== undefined && (typeof days !== 'number' || !(days > 0)))
        throw new SluiceError('USAGE', `expires_in_days must be a number > 0, got ${JSON.stringify(days)}`);
      const made = await createApiToken(deps.rt.db, {
        username: param(req, 'username'),
        name: b.name,
        ttlSeconds: days === undefined ? undefined : days * 86400,
      });
      return { ...tokenOut(made.row), token: made.token };
    },
  },
  {
    method: 'delete',
    path: '/tokens/{token_id}',
    summary: 'revoke an API token: scripts using it get 401 from then on; returns the revoked token',
    permission: 'admin',
    response: ref('ApiToken'),
    handle: async (req, deps) => {
      const raw = param(req, 'token_id');
      if (!/^\d+$/.test(raw)) throw new SluiceError('USAGE', `token_id must be a whole number, got "${raw}"`);
      return tokenOut(await revokeApiTokenById(deps.rt.db, Number(raw)));
    },
  },
];
