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
  const conversation = a.conversation as Record<string, unknown> | undefined;
  if (!conversation || typeof conversation !== 'object' || Array.isArray(conversation) || typeof conversation.id !== 'string' || conversation.id === '') {
    return '"conversation" must be an object with a string "id".';
  }
  for (const party of ['from', 'recipient']) {
    const p = a[party] as Record<string, unknown> | undefined;
    if (p === undefined || p === null) continue;
    if (typeof p !== 'object' || Array.isArray(p)) return `"${party}" must be an object.`;
    for (const f of ['id', 'name', 'aadObjectId']) {
      if (p[f] !== undefined && p[f] !== null && typeof p[f] !== 'string') return `"${party}.${f}" must be a string.`;
    }
  }
  if (a.type === 'invoke' && (a.from === undefined || a.from === null)) return 'An invoke must say who it is "from".';
  return null;
}
