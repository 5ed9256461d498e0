/**
 * Which organisation an activity comes from. An Azure Bot registered multi-tenant receives activities, each with a
 * valid Bot Framework token, from any organisation whose people install the app; only the school's own tenants
 * (ALLOWED_TENANT_IDS) may reach a feature. Teams names the tenant twice, in `conversation.tenantId` and in
 * `channelData.tenant.id`: both must be there, agree and be allowed.
 */

/** Why an activity was refused: a tenant that is not the school's, two tenants that disagree, or none named. */
export type TenantRefusal = 'notAllowed' | 'mismatch' | 'missing';

/** The tenants an activity names, as read for the gate and its log line. */
export interface ActivityTenants {
  conversationTenant?: string;
  channelDataTenant?: string;
}

/** Decides from the activity alone whether it may go on to the bot. */
export interface TenantGate {
  /** Null when the activity comes from an allowed tenant; otherwise why it is refused. */
  refusal(activity: unknown): TenantRefusal | null;
}

/** The two places Teams names the tenant; anything that is not a non-empty string counts as absent. */
export function tenantsOf(activity: unknown): ActivityTenants {
  const a = (activity && typeof activity === 'object' ? activity : {}) as { conversation?: unknown; channelData?: unknown };
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const field = (o: unknown, key: string): unknown => (o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined);
  return {
    conversationTenant: text(field(a.conversation, 'tenantId')),
    channelDataTenant: text(field(field(a.channelData, 'tenant'), 'id')),
  };
}

/** A gate letting in only the tenants given (compared without regard to letter case: they are GUIDs). */
export function createTenantGate(allowedTenantIds: readonly string[]): TenantGate {
  const allowed = new Set(allowedTenantIds.map((t) => t.toLowerCase()));
  return {
    refusal(activity) {
      const { conversationTenant, channelDataTenant } = tenantsOf(activity);
      if (!conversationTenant || !channelDataTenant) return 'missing';
      if (conversationTenant.toLowerCase() !== channelDataTenant.toLowerCase()) return 'mismatch';
      return allowed.has(conversationTenant.toLowerCase()) ? null : 'notAllowed';
    },
  };
}

/** A tenant id as it may appear in a log line: the id when it looks like one (an organisation's, not a person's), else a marker. */
export function loggableTenant(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^[0-9a-z-]{1,64}$/i.test(value) ? value : '[not a tenant id]';
}
