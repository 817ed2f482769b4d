/**
 * Access policy as one pure function: (principal, action) -> allow | deny. Every route names its action; viewers
 * read, coders check and override, admins manage tokens and knowledge. Organisation scoping is the store's job
 * (another organisation's record is simply not found).
 */

/** Roles a bearer token carries. */
export const ROLES = ['viewer', 'coder', 'admin'] as const;
/** One role. */
export type Role = (typeof ROLES)[number];

/** Who is calling: from a verified bearer token. */
export interface Principal {
  tokenId: string;
  /** The organisation this request works in: the token's own, or one its admin switched to (X-Organization). */
  organization: string;
  role: Role;
  /** The token's own organisation, when the request works in another one it administers. */
  homeOrganization?: string;
}

/** What a route does. */
export const ACTIONS = {
  'encounter.read': 'viewer',
  'check.run': 'coder',
  'encounter.write': 'coder',
  'encounter.override': 'coder',
  'encounter.accept': 'coder',
  'claim.export': 'coder',
  'response.import': 'coder',
  'token.manage': 'admin',
  'knowledge.manage': 'admin',
  'registry.query': 'viewer',
  'registry.export': 'admin',
} as const satisfies Record<string, Role>;
/** One action. */
export type Action = keyof typeof ACTIONS;

const RANK: Record<Role, number> = { viewer: 0, coder: 1, admin: 2 };

/** Allows an action when the principal's role is at least the role the action needs. */
export function authorize(principal: Principal | undefined, action: Action): 'allow' | 'deny' | 'unauthenticated' {
  if (!principal) return 'unauthenticated';
  return RANK[principal.role] >= RANK[ACTIONS[action]] ? 'allow' : 'deny';
}
