import type { UserRole } from '../store/operational/database.ts';

export type { UserRole };
export const USER_ROLES = [
  'admin',
  'analyst',
  'branch_head',
  'account_manager',
] as const satisfies readonly UserRole[];

/** Who is acting: a signed-in user or an API key, with the role and data scope that bound what they see. */
export interface Principal {
  readonly kind: 'user' | 'api_key' | 'system';
  readonly id: string;
  /** Name written into the audit log, e.g. `user:admin` or `apikey:3:etl`. */
  readonly actor: string;
  readonly role: UserRole;
  /** Staff id for account managers (their own pool). */
  readonly staffId: string | null;
  /** Org unit that bounds a branch head's scope. */
  readonly orgUnitId: string | null;
  /** The role's permissions and, for a user, the permissions granted to them by name. */
  readonly permissions: ReadonlySet<Permission>;
  /** A user whose password was generated for them: every route but me, logout and password change refuses them. */
  readonly mustChangePassword?: boolean;
}

export type Permission =
  | 'customers.read'
  | 'customers.reveal_pii'
  | 'customers.write'
  | 'ingest.write'
  | 'users.manage'
  | 'apikeys.manage'
  | 'audit.read'
  | 'analytics.read'
  | 'segments.manage'
  | 'segments.export'
  | 'customers.export'
  | 'pool.manage'
  | 'pool.assign'
  | 'handover.run'
  | 'tags.manage'
  /** Create, edit or retire SQL tags (statements that read the sql_tag views): admins; grantable. */
  | 'tags.sql'
  /** Write content items and submit them for approval. */
  | 'content.write'
  /** Approve or reject content someone else wrote (maker-checker): admins; grantable to a compliance officer. */
  | 'content.approve'
  /** Edit the bank's contact policy, sensitive words and do-not-contact list: admins. */
  | 'policy.manage'
  /** Author campaigns (create, save, submit), start and control their runs: admins and analysts. */
  | 'campaigns.write'
  /** Approve or reject a campaign version someone else wrote (maker-checker): admins; grantable. */
  | 'campaigns.approve'
  /** Set a product's role (traffic, hot-selling, main-profit): head office's admins. */
  | 'products.write'
  /** Edit and import the data dictionary (display names, descriptions, units): admins. Reading needs a sign-in only. */
  | 'dictionary.write'
  /** Move a trial installation's test clock forward (FLYWHEEL_TEST_CLOCK): admins. */
  | 'clock.advance'
  /** Create, edit, pause and resume RTA strategies; train the look-alike score: admins and analysts. */
  | 'rta.manage';

const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  admin: [
    'customers.read',
    'customers.reveal_pii',
    'customers.write',
    'ingest.write',
    'users.manage',
    'apikeys.manage',
    'audit.read',
    'analytics.read',
    'segments.manage',
    'segments.export',
    'customers.export',
    'pool.manage',
    'pool.assign',
    'handover.run',
    'tags.manage',
    'tags.sql',
    'content.write',
    'content.approve',
    'policy.manage',
    'campaigns.write',
    'campaigns.approve',
    'products.write',
    'dictionary.write',
    'clock.advance',
    'rta.manage',
  ],
  analyst: [
    'customers.read',
    'analytics.read',
    'segments.manage',
    'segments.export',
    'tags.manage',
    'content.write',
    'campaigns.write',
    'rta.manage',
  ],
  // Branch heads and managers may reveal personal data of customers in their scope (a manager has to call them);
  // every reveal is audited. Branch heads assign and hand over within their subtree only (src/pool/scope.ts).
  branch_head: [
    'customers.read',
    'customers.write',
    'customers.reveal_pii',
    'customers.export',
    'analytics.read',
    'pool.assign',
    'handover.run',
  ],
  account_manager: ['customers.read', 'customers.write', 'customers.reveal_pii'],
};

/**
 * Permissions an administrator may grant to a named user beyond their role: each widens what one person may do
 * without giving them a whole role (an analyst who writes SQL tags, a compliance officer who reads the audit log).
 */
export const GRANTABLE_PERMISSIONS = [
  'tags.sql',
  'audit.read',
  'segments.export',
  'customers.export',
  'content.approve',
  'campaigns.approve',
] as const satisfies readonly Permission[];
export type GrantablePermission = (typeof GRANTABLE_PERMISSIONS)[number];

/** Whether a name is a grantable permission. */
export function isGrantable(name: string): name is GrantablePermission {
  return (GRANTABLE_PERMISSIONS as readonly string[]).includes(name);
}

/** The permissions a role holds, with the grants of a user added (names that are not grantable are ignored). */
export function permissionsOf(role: UserRole, grants: readonly string[] = []): ReadonlySet<Permission> {
  return new Set([...ROLE_PERMISSIONS[role], ...grants.filter(isGrantable)]);
}

/** The principal for work the platform does on its own (start-up seeding, scheduled jobs). */
export const SYSTEM_PRINCIPAL: Principal = Object.freeze({
  kind: 'system',
  id: 'system',
  actor: 'system',
  role: 'admin',
  staffId: null,
  orgUnitId: null,
  permissions: permissionsOf('admin'),
});
