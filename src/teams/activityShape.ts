/**
 * A cheap structural check of an incoming activity before the Bot Framework adapter sees it: the adapter
 * and teams-ai assume these fields have the right types and fail with a 500 (and their error text) when
 * they do not. Returns what is wrong, or null when the shape is acceptable.
 */
export function activityShapeProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Expected a Bot Framework activity (a JSON object with a "type").';
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string' || a.type === '') return 'The activity has no "type".';
  for (const field of ['id', 'channelId', 'serviceUrl', 'locale', 'text', 'name', 'replyToId', 'textFormat']) {
    if (a[field] !== undefined && a[field] !== null && typeof a[field] !== 'string') return `"${field}" must be a string.`;
  }
  // Every reply goes to serviceUrl: without a usable one the SDK would try a DNS lookup of nothing and hang.
  if (typeof a.serviceUrl !== 'string' || !isHttpUrl(a.serviceUrl)) return '"serviceUrl" must be an http(s) URL.';
  const conversation = a.conversation as Record<string, unknown> | undefined;
  if (!conversation || typeof conversation !== 'object' || Array.isArray(conversation) || typeof conversation.id !== 'string' || conversation.id === '') {
    return '"conversation" must be an object with a string "id".';
  }
  for (const f of ['conversationType', 'tenantId', 'name']) {
    if (conversation[f] !== undefined && conversation[f] !== null && typeof conversation[f] !== 'string') return `"conversation.${f}" must be a string.`;
  }
  for (const f of ['channelData', 'value', 'entities', 'attachments', 'membersAdded', 'membersRemoved']) {
    const v = a[f];
    const wantArray = f === 'entities' || f === 'attachments' || f === 'membersAdded' || f === 'membersRemoved';
    if (v !== undefined && v !== null && wantArray && !Array.isArray(v)) return `"${f}" must be an array.`;
    if (v !== undefined && v !== null && f === 'channelData' && (typeof v !== 'object' || Array.isArray(v))) return '"channelData" must be an object.';
  }
  // Each entry of these lists is read as an object (an entity's type, a member's id): null or a number fails inside.
  for (const f of ['entities', 'attachments', 'membersAdded', 'membersRemoved']) {
    const list = a[f];
    if (Array.isArray(list) && list.some((item) => !item || typeof item !== 'object' || Array.isArray(item))) return `Each of "${f}" must be an object.`;
  }
  for (const f of ['membersAdded', 'membersRemoved']) {
    const list = a[f];
    if (Array.isArray(list) && list.some((m) => typeof (m as Record<string, unknown>).id !== 'string')) return `Each of "${f}" must have a string "id".`;
  }
  for (const party of ['from', 'recipient']) {
    const p = a[party] as Record<string, unknown> | undefined;
    if (p === undefined || p === null) continue;
    if (typeof p !== 'object' || Array.isArray(p)) return `"${party}" must be an object.`;
    for (const f of ['id', 'name', 'aadObjectId']) {
      if (p[f] !== undefined && p[f] !== null && typeof p[f] !== 'string') return `"${party}.${f}" must be a string.`;
    }
  }
  // Every feature answers someone, as someone: a message or an invoke from no one, or to no one, would fail inside,
  // after its body was read.
  for (const type of ['message', 'invoke']) {
    if (a.type !== type) continue;
    const article = type === 'invoke' ? 'An invoke' : 'A message';
    const from = a.from as Record<string, unknown> | undefined | null;
    if (!from || typeof from.id !== 'string' || from.id === '') return `${article} must say who it is "from" (a non-empty "from.id").`;
    const recipient = a.recipient as Record<string, unknown> | undefined | null;
    if (!recipient || typeof recipient.id !== 'string' || recipient.id === '') return `${article} must name its "recipient" (a non-empty "recipient.id").`;
  }
  return null;
}

/** Whether a string is an absolute http: or https: URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether a service URL points at this machine (local mode replies only to the Playground on loopback). */
export function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(value).hostname);
  } catch {
    return false;
  }
}
