/**
 * Roles as in Airflow, each a superset of the one before: a Viewer reads everything (but never a
 * secret), an Op also triggers, clears, marks, pauses and backfills, an Admin also manages users and
 * tokens.
 */
export const ROLES = ['Viewer', 'Op', 'Admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a request needs: to read, to operate the pipelines, or to administer users. */
export type Permission = 'read' | 'operate' | 'admin';

const NEEDS: Readonly<Record<Permission, Role>> = { read: 'Viewer', operate: 'Op', admin: 'Admin' };

export function can(role: Role, permission: Permission): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(NEEDS[permission]);
}

/** A role as a person types it (`op`, `ADMIN`), or undefined. */
export function parseRole(v: string): Role | undefined {
  return ROLES.find((r) => r.toLowerCase() === v.toLowerCase());
}
