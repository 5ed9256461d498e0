/**
 * Fuzzing /api/messages: the whole bot (startApp, local mode) receives a seeded, reproducible corpus of
 * malformed and hostile activities and card payloads. For every request: no 5xx, no internals in the HTTP answer
 * or in anything a person reads; after the corpus the process still serves; forged requests change no data.
 */
import zlib from 'node:zlib';
import { Verbs } from '../../src/teams/verbs';
import { ORDINARY } from '../support/modelItems';
import {
  PEOPLE, Person, PostResult, SecurityBot, TENANT, concernForm, dslConversation, leakIn, personalConversation,
  readableText, startSecurityBot,
} from './securityHarness';

// The corpus. It is built from a seeded PRNG, so a failure names a case that the next run sends again byte for byte.

/** One request of the corpus. */
interface FuzzCase {
  /** A short, stable description: category, index and what was mutated. */
  label: string;
  /** The activity (filled with channel defaults by the harness), or a raw JSON string sent as is. */
  activity?: Record<string, unknown>;
  raw?: string;
  /** Extra request headers (content type, encoding) for a raw body. */
  headers?: Record<string, string>;
  /** True when a signed-in person is on the other end and would read the bot's answer. */
  person: boolean;
}

/** What the corpus may refer to: a real concern and a real question made by the reporter before fuzzing. */
interface FuzzContext {
  serviceUrl: string;
  concernReference: string;
  concernId: number;
  questionId: string;
}

/** mulberry32: small, fast and good enough to choose test cases reproducibly. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const sample = <T>(rng: Rng, items: readonly T[], n: number): T[] => {
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(rng() * copy.length), 1)[0]);
  return out;
};

/** A string of random code points: ASCII, controls, combining marks, RTL overrides, emoji, lone surrogates. */
function randomText(rng: Rng, length: number): string {
  const ranges: [number, number][] = [
    [0x20, 0x7e], [0x00, 0x1f], [0x7f, 0x9f], [0x300, 0x36f], [0x202a, 0x202e], [0x200b, 0x200f],
    [0x1f600, 0x1f64f], [0xd800, 0xdfff], [0xfff0, 0xffff], [0x4e00, 0x4e80], [0x0600, 0x06ff],
  ];
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = pick(rng, ranges);
    s += String.fromCodePoint(lo + Math.floor(rng() * (hi - lo + 1)));
  }
  return s;
}

const HUGE = 'x'.repeat(200 * 1024);
const UNICODE_SAMPLES = [
  '\u0000\u0001\u0002\u001b[31mred\u001b[0m', '\u202eevil\u202c', '\ud800', '\udfff\ud800', 'e\u0301\u0301\u0301\u0301',
  '\u200b\u200b\u200b', '🙈🙉🙊'.repeat(50), '\r\n\r\n\t', 'ﷺ'.repeat(100), '%s%s%n%x', '${7*7}{{7*7}}<%= 7*7 %>',
  '<script>alert(1)</script>', '"; DROP TABLE concerns; --', "' OR '1'='1", '../../../../etc/passwd', '\\u0000',
];

/** Wrong-typed and hostile values for any field. */
function junkValues(rng: Rng): unknown[] {
  return [
    42, -1, 1.5e308, 0, true, false, null, [], [1, 'a', null, {}], {}, { a: { b: { c: [1, { d: null }] } } },
    'junk', '', HUGE, pick(rng, UNICODE_SAMPLES), randomText(rng, 64),
    JSON.parse('{"__proto__":{"isOwner":true,"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
  ];
}

/** JSON that nests `depth` arrays, written by hand because JSON.stringify would recurse. */
function deepArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function deepObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function message(person: Person, text: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', text, textFormat: 'plain', from: person, conversation: personalConversation(person), ...extra };
}

const ACTIVITY_FIELDS = [
  'text', 'from', 'conversation', 'recipient', 'channelData', 'entities', 'value', 'attachments', 'channelId', 'id',
  'locale', 'textFormat', 'timestamp', 'replyToId', 'membersAdded', 'name', 'localTimezone', 'callerId',
] as const;

/** Messages with every field given every wrong type, or missing. */
function malformedMessages(rng: Rng): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (const field of ACTIVITY_FIELDS) {
    const base = message(PEOPLE.outsider, 'What counts as social media?');
    const { [field]: _dropped, ...without } = base;
    out.push({ label: `message without ${field}`, activity: { ...without, [field]: undefined }, person: field !== 'from' });
    for (const [i, junk] of sample(rng, junkValues(rng), 7).entries()) {
      out.push({
        label: `message ${field}=${show(junk)} #${i}`,
        activity: { ...base, [field]: junk },
        person: field !== 'from' || (typeof junk === 'object' && junk !== null && !Array.isArray(junk)),
      });
    }
  }
  return out;
}

/** Messages whose text is hostile: huge, control characters, commands with junk arguments. */
function hostileTexts(rng: Rng, ctx: FuzzContext): FuzzCase[] {
  const texts = [
    HUGE, 'section ' + 'a'.repeat(100_000), 'concern ' + ctx.concernReference + ' '.repeat(50_000) + 'x',
    `concern ${ctx.concernReference}`, `concern export ${ctx.concernReference}`, `concern ${ctx.concernReference.toLowerCase()}`,
    'concern SG-2099-999999999', 'concerns', 'CONCERNS', 'unanswered', 'help', 'contents', 'section 99999', 'section #0',
    'section __proto__', 'section constructor', 'campaign', 'campaign start all', 'campaign export', 'campaign status ../../x',
    'campaign start department ' + ','.repeat(5000), 'campaign start all due ' + 'due '.repeat(20_000),
    'report a concern', '<at>School Policy Bot</at>'.repeat(2000), '<at>'.repeat(20_000), ...UNICODE_SAMPLES,
    ...Array.from({ length: 12 }, () => randomText(rng, 1 + Math.floor(rng() * 3000))),
  ];
  const conversations = [
    (p: Person) => personalConversation(p),
    () => dslConversation(),
    () => ({ id: '19:group-chat@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT }),
  ];
  return texts.map((text, i) => {
    const person = pick(rng, [PEOPLE.outsider, PEOPLE.reporter]);
    const conversation = pick(rng, conversations)(person);
    return { label: `hostile text #${i} (${show(text)}) in ${String(conversation.conversationType)}`, activity: message(person, text, { conversation }), person: true };
  });
}

/** Entities that are not what Teams sends (mentions without `mentioned`, nulls, wrong types). */
function garbageEntities(rng: Rng): FuzzCase[] {
  const variants: unknown[] = [
    'junk', 42, [null], [42], [{}], [{ type: 'mention' }], [{ type: 'mention', mentioned: null, text: 5 }],
    [{ type: 'mention', mentioned: { id: '28:school-policy-bot' }, text: null }],
    [{ type: 'mention', mentioned: { id: '28:school-policy-bot' }, text: { a: 1 } }],
    [{ type: 'clientInfo', locale: 5, timezone: {} }], [{ type: 'https://schema.org/Message', '@context': null }],
    Array.from({ length: 2000 }, () => ({ type: 'mention', mentioned: { id: '28:school-policy-bot' }, text: '<at>x</at>' })),
  ];
  return variants.map((entities, i) => ({
    label: `entities garbage #${i} (${show(entities)})`,
    activity: message(PEOPLE.outsider, pick(rng, ['<at>School Policy Bot</at> help', 'help', 'concerns']), { entities }),
    person: true,
  }));
}

const TRIAGE_VERBS = [
  Verbs.concernOpen, Verbs.concernAcknowledge, Verbs.concernAssign, Verbs.concernAddNote, Verbs.concernRecordAction, Verbs.concernClose,
] as const;

/** Card data a hostile or confused client might send back with any verb. */
function forgedData(rng: Rng, ctx: FuzzContext): unknown[] {
  return [
    undefined, null, 'string', 42, [], {}, [ctx.concernReference],
    { reference: ctx.concernReference }, { reference: ctx.concernReference.toLowerCase() }, { reference: ` ${ctx.concernReference}\t` },
    { reference: 'SG-2099-9999' }, { reference: 42 }, { reference: { reference: ctx.concernReference } }, { reference: [ctx.concernReference] },
    { reference: ctx.concernReference, assigneeId: PEOPLE.outsider.aadObjectId }, { id: ctx.concernId, concernId: ctx.concernId },
    { reference: ctx.concernReference, note: HUGE }, { reference: ctx.concernReference, outcome: 'closed by forgery' },
    { reference: ctx.concernReference, actionType: 'police', actionDetail: 'forged referral' },
    { reference: ctx.concernReference, refresh: true }, { reference: ctx.concernReference, fromList: true },
    { reference: ctx.concernReference, aadObjectId: PEOPLE.dsl.aadObjectId, userId: PEOPLE.dsl.aadObjectId, isOwner: true, isTeamMember: true },
    { questionId: ctx.questionId, helpful: 'maybe' }, { questionId: 'no-such-question', helpful: true },
    { questionId: "' OR 1=1 --", helpful: 'true' }, { questionId: 42, helpful: {} }, { questionId: [ctx.questionId], helpful: [true] },
    { campaignId: 'campaign-that-does-not-exist' }, { campaignId: 42 }, { campaignId: '../../etc/passwd' },
    { policyId: 'no-such-policy', versionHash: 'deadbeef', campaignId: 'nope' }, { policyId: 42, versionHash: null },
    { policyId: '__proto__', versionHash: 'constructor' },
    { aadObjectId: PEOPLE.owner.aadObjectId, userId: PEOPLE.owner.aadObjectId, isOwner: true, campaignId: 'nope' },
    randomText(rng, 200),
  ];
}

/** People (or non-people) who are not on the safeguarding team and do not own the policy. */
function nonMembers(): { who: string; from: unknown; person: boolean }[] {
  return [
    { who: 'outsider', from: PEOPLE.outsider, person: true },
    { who: 'reporter', from: PEOPLE.reporter, person: true },
    { who: 'no aadObjectId', from: { id: '29:anonymous', name: 'Anon' }, person: true },
    { who: 'aadObjectId as number', from: { id: '29:numeric', aadObjectId: 42, name: 'Num' }, person: true },
    { who: 'aadObjectId as object', from: { id: '29:objecty', aadObjectId: { toString: 'aad-sec-dsl' }, name: 'Obj' }, person: true },
    { who: 'from missing', from: undefined, person: false },
  ];
}

/** Action.Execute invokes: every real verb and forged ones, with forged data, from people who may not act. */
function cardInvokes(rng: Rng, ctx: FuzzContext): FuzzCase[] {
  const forgedVerbs: unknown[] = [
    '', 'concern.delete', 'CONCERN.ACKNOWLEDGE', 'concern.acknowledge ', '__proto__', 'constructor', 'toString',
    'hasOwnProperty', 'x'.repeat(10_000), 42, null, { verb: Verbs.concernClose }, [Verbs.concernClose], randomText(rng, 30),
  ];
  const verbs: unknown[] = [...Object.values(Verbs), ...forgedVerbs];
  const data = forgedData(rng, ctx);
  const actors = nonMembers();
  const places = [
    { where: 'personal', conversation: () => ({ id: 'a:fuzz-personal', conversationType: 'personal', tenantId: TENANT }) },
    { where: 'dsl channel', conversation: () => dslConversation() },
    { where: 'group chat', conversation: () => ({ id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true }) },
  ];
  const out: FuzzCase[] = [];
  verbs.forEach((verb, v) => {
    for (const [d, payload] of sample(rng, data, 5).entries()) {
      const actor = pick(rng, actors);
      const place = pick(rng, places);
      out.push({
        label: `invoke verb=${show(verb)} data#${v}.${d}=${show(payload)} from ${actor.who} in ${place.where}`,
        activity: {
          type: 'invoke', name: 'adaptiveCard/action', from: actor.from, conversation: place.conversation(),
          replyToId: `card-${v}-${d}`, value: { action: { type: 'Action.Execute', verb, data: payload }, trigger: 'manual' },
        },
        person: actor.person,
      });
    }
  });
  const shapes: [string, unknown][] = [
    ['value missing', undefined], ['value string', 'zzz'], ['value number', 7], ['value array', [1, 2]],
    ['action missing', { trigger: 'manual' }], ['action string', { action: 'concern.close' }],
    ['action.type Submit', { action: { type: 'Action.Submit', verb: Verbs.concernClose, data: { reference: ctx.concernReference } } }],
    ['action.type number', { action: { type: 5, verb: Verbs.concernClose } }],
    ['action.data string', { action: { type: 'Action.Execute', verb: Verbs.concernClose, data: 'junk' } }],
    ['action.data deep', { action: { type: 'Action.Execute', verb: Verbs.concernAddNote, data: { reference: ctx.concernReference, note: { a: { b: { c: { d: 1 } } } } } } }],
    ['trigger automatic with forged reference', { action: { type: 'Action.Execute', verb: Verbs.concernOpen, data: { reference: ctx.concernReference, refresh: true } }, trigger: 'automatic' }],
  ];
  for (const [what, value] of shapes) {
    out.push({
      label: `invoke adaptiveCard/action ${what}`,
      activity: { type: 'invoke', name: 'adaptiveCard/action', from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider), value },
      person: true,
    });
  }
  return out;
}

/** Message-extension invokes: the "Report a concern" message action with junk, and unknown commands. */
function messageExtensionInvokes(rng: Rng): FuzzCase[] {
  const payloads: unknown[] = [
    undefined, 'junk', 42, [], {}, { body: 'junk' }, { body: { content: 42, contentType: 'text' } },
    { body: { content: { a: 1 }, contentType: 'html' } }, { body: { content: ['a'], contentType: 'text' } },
    { body: { content: '<p>hi<br>there</p>'.repeat(500), contentType: 'html' }, from: { user: { displayName: 42 } } },
    { body: { content: HUGE, contentType: 'text' }, createdDateTime: { a: 1 }, linkToMessage: 42 },
    { body: { content: pick(rng, UNICODE_SAMPLES), contentType: 'html' }, from: 'junk', linkToMessage: 'javascript:alert(1)' },
    { body: { content: '<'.repeat(2_000), contentType: 'html' } },
  ];
  const out: FuzzCase[] = [];
  payloads.forEach((messagePayload, i) => {
    out.push({
      label: `composeExtension/fetchTask reportConcern messagePayload=${show(messagePayload)} #${i}`,
      activity: {
        type: 'invoke', name: 'composeExtension/fetchTask', from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider),
        value: { commandId: 'reportConcern', commandContext: 'message', messagePayload },
      },
      person: true,
    });
  });
  const submitData: unknown[] = [
    undefined, 'junk', 42, [], {}, { kind: 42, whatHappened: {}, whenHappened: [] }, { kind: 'childSafety' },
    concernForm({ kind: '__proto__' }), concernForm({ whatHappened: HUGE }), concernForm({ link: 'javascript:alert(1)' }),
    concernForm({ kind: 'colleagueConduct', where: '', peopleInvolved: '' }), { ...concernForm(), kind: ['childSafety'] },
  ];
  submitData.forEach((data, i) => {
    out.push({
      label: `composeExtension/submitAction reportConcern data=${show(data)} #${i}`,
      activity: {
        type: 'invoke', name: 'composeExtension/submitAction', from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider),
        value: { commandId: 'reportConcern', commandContext: 'message', data },
      },
      person: true,
    });
  });
  const commands: unknown[] = ['', 'REPORTCONCERN', 'unknownCommand', 42, null, { id: 'reportConcern' }, randomText(rng, 20)];
  for (const name of ['composeExtension/fetchTask', 'composeExtension/submitAction', 'composeExtension/query']) {
    commands.forEach((commandId, i) => {
      out.push({
        label: `${name} commandId=${show(commandId)} #${i}`,
        activity: {
          type: 'invoke', name, from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider),
          value: { commandId, data: concernForm(), messagePayload: { body: { content: 'hello', contentType: 'text' } } },
        },
        person: true,
      });
    });
  }
  return out;
}

/** conversationUpdate and other activity types with junk payloads. */
function otherActivities(rng: Rng): FuzzCase[] {
  const members: unknown[] = [
    'junk', 42, null, {}, [null], [42], ['29:someone'], [{}], [{ id: 42 }], [{ id: null, name: {} }],
    [{ id: '28:school-policy-bot' }, null], Array.from({ length: 3000 }, (_, i) => ({ id: `29:user-${i}`, name: randomText(rng, 8) })),
  ];
  const out: FuzzCase[] = members.map((membersAdded, i) => {
    const membersRemoved = pick(rng, ['junk', [null], 7, undefined]);
    const conversation = pick(rng, [personalConversation(PEOPLE.outsider), dslConversation(), { id: 42 }]);
    return {
      label: `conversationUpdate membersAdded=${show(membersAdded)} membersRemoved=${show(membersRemoved)} conversation=${show(conversation)} #${i}`,
      activity: { type: 'conversationUpdate', membersAdded, membersRemoved, from: PEOPLE.outsider, conversation },
      person: false,
    };
  });
  const types = [
    'installationUpdate', 'messageReaction', 'typing', 'event', 'endOfConversation', 'messageUpdate', 'messageDelete',
    'handoff', 'command', 'trace', 'invokeResponse', 'MESSAGE', ' message', 'delay', 'x'.repeat(5000),
  ];
  for (const type of types) {
    out.push({
      label: `activity type=${show(type)}`,
      activity: {
        type, from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider), action: pick(rng, ['add', 'remove', 42, null]),
        reactionsAdded: pick(rng, ['junk', [null], [{ type: 42 }]]), value: pick(rng, junkValues(rng).slice(0, 12)), name: pick(rng, ['x', 42, null]),
      },
      person: false,
    });
  }
  const invokeNames: unknown[] = [
    'task/fetch', 'task/submit', 'signin/verifyState', 'signin/tokenExchange', 'fileConsent/invoke', 'actionableMessage/executeAction',
    'adaptiveCard/action ', 'ADAPTIVECARD/ACTION', 'application/search', 'handoff/action', 'config/fetch', 42, null, '',
  ];
  invokeNames.forEach((name, i) => {
    out.push({
      label: `invoke name=${show(name)} #${i}`,
      activity: { type: 'invoke', name, from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider), value: pick(rng, junkValues(rng).slice(0, 12)) },
      person: true,
    });
  });
  return out;
}

/** Bodies that nest deeply (raw JSON strings, under the 256 KB body limit). */
function deepBodies(serviceUrl: string): FuzzCase[] {
  const head = (type: string, extra: string) => `{"type":"${type}","channelId":"msteams","serviceUrl":${JSON.stringify(serviceUrl)},`
    + `"from":${JSON.stringify(PEOPLE.outsider)},"recipient":{"id":"28:school-policy-bot"},`
    + `"conversation":${JSON.stringify(personalConversation(PEOPLE.outsider))},${extra}`;
  const out: FuzzCase[] = [];
  for (const depth of [100, 2_000, 40_000]) {
    out.push({ label: `message value nested ${depth} arrays deep`, raw: `${head('message', '"text":"help",')}"value":${deepArrays(depth)}}`, person: true });
    out.push({ label: `message channelData nested ${depth} objects deep`, raw: `${head('message', '"text":"help",')}"channelData":${deepObjects(depth)}}`, person: true });
    out.push({
      label: `invoke concern.submit data nested ${depth} objects deep`,
      raw: `${head('invoke', '"name":"adaptiveCard/action",')}"value":{"action":{"type":"Action.Execute","verb":"concern.submit","data":${deepObjects(depth)}}}}`,
      person: true,
    });
  }
  return out;
}

/** Bodies in other encodings and content types than the JSON the channel sends. */
function otherEncodings(serviceUrl: string): FuzzCase[] {
  const json = JSON.stringify({
    type: 'message', text: 'help', channelId: 'msteams', serviceUrl, from: PEOPLE.outsider, recipient: { id: '28:school-policy-bot' },
    conversation: personalConversation(PEOPLE.outsider),
  });
  // Every form keeps serviceUrl on the fake connector: without one botbuilder would call api.botframework.com.
  const service = `serviceUrl=${encodeURIComponent(serviceUrl)}&channelId=msteams`;
  const form = `type=message&text=help&${service}&from[id]=29:x&from[aadObjectId]=aad-x`
    + '&conversation[id]=a:x&conversation[conversationType]=personal&recipient[id]=28:bot';
  const formType = { 'content-type': 'application/x-www-form-urlencoded' };
  return [
    { label: 'form-urlencoded activity', raw: form, headers: formType, person: false },
    { label: 'form-urlencoded activity without conversation', raw: `type=message&text=help&${service}`, headers: formType, person: false },
    {
      label: 'form-urlencoded invoke with nested junk',
      raw: `type=invoke&name=adaptiveCard/action&${service}&value[action][verb]=concern.close&value[action][type]=Action.Execute&conversation[id]=a:x`,
      headers: formType, person: false,
    },
    { label: 'JSON sent as text/plain', raw: json, headers: { 'content-type': 'text/plain' }, person: false },
    { label: 'JSON with no content type', raw: json, headers: { 'content-type': '' }, person: false },
    { label: 'JSON with a byte-order mark', raw: `\ufeff${json}`, person: false },
    { label: 'JSON with an unknown charset', raw: json, headers: { 'content-type': 'application/json; charset=ebcdic-xx' }, person: false },
    { label: 'JSON with duplicate type keys', raw: json.replace('{"type":"message",', '{"type":"message","type":{"a":1},'), person: false },
    { label: 'multipart body', raw: '--b\r\nContent-Disposition: form-data; name="type"\r\n\r\nmessage\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' }, person: false },
  ];
}

/** Shapes an outside probe found the SDK tripping on (issue 9): service URLs and conversation fields of the wrong kind. */
function sdkTrippingShapes(serviceUrl: string): FuzzCase[] {
  const base = { type: 'message', text: 'help', channelId: 'msteams', serviceUrl, from: PEOPLE.outsider, recipient: { id: '28:school-policy-bot' }, conversation: personalConversation(PEOPLE.outsider) };
  const serviceUrls: unknown[] = [null, 42, '', 'not a url', 'ftp://127.0.0.1/', 'https://attacker.example/', 'http://169.254.169.254/', ['http://127.0.0.1/'], { href: serviceUrl }];
  const conversations: unknown[] = [
    { id: 'a:x', conversationType: ['personal'] }, { id: 'a:x', conversationType: { personal: true } }, { id: 'a:x', conversationType: 7 },
    { id: 'a:x', tenantId: ['t'] }, { id: ['a:x'] }, { id: 'a:x', name: { n: 1 } },
  ];
  const fields: [string, unknown][] = [['channelData', 'tenant'], ['channelData', [1]], ['entities', { type: 'mention' }], ['attachments', 'card'], ['membersAdded', { id: 'x' }]];
  return [
    ...serviceUrls.map((v) => ({ label: `serviceUrl ${show(v)}`, raw: JSON.stringify({ ...base, serviceUrl: v }), person: false })),
    ...conversations.map((c) => ({ label: `conversation ${show(c)}`, raw: JSON.stringify({ ...base, conversation: c }), person: false })),
    ...fields.map(([f, v]) => ({ label: `${f} ${show(v)}`, raw: JSON.stringify({ ...base, [f]: v }), person: false })),
    {
      label: 'form-urlencoded concern export naming an outside serviceUrl',
      raw: `type=message&text=concern+export+SG-2026-0001&serviceUrl=${encodeURIComponent('https://attacker.example/')}&from[aadObjectId]=${PEOPLE.dsl.aadObjectId}&conversation[id]=a:x`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, person: false,
    },
    { label: 'multipart file with a bearer header', raw: `--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n${'x'.repeat(4096)}\r\n--b--\r\n`, headers: { 'content-type': 'multipart/form-data; boundary=b', authorization: 'Bearer x' }, person: false },
  ];
}

/** The corpus's categories and how each is built, in the order they draw from the seeded PRNG. */
const CORPUS: Record<string, (rng: Rng, ctx: FuzzContext) => FuzzCase[]> = {
  'messages with wrong-typed or missing fields': (rng) => malformedMessages(rng),
  'messages with hostile text': (rng, ctx) => hostileTexts(rng, ctx),
  'messages with garbage entities': (rng) => garbageEntities(rng),
  'card actions with real and forged verbs and forged data': (rng, ctx) => cardInvokes(rng, ctx),
  'message-extension invokes': (rng) => messageExtensionInvokes(rng),
  'conversation updates, other activity types and unknown invokes': (rng) => otherActivities(rng),
  'deeply nested bodies': (_rng, ctx) => deepBodies(ctx.serviceUrl),
  'bodies in other encodings and content types': (_rng, ctx) => otherEncodings(ctx.serviceUrl),
  'service URLs and conversation fields the SDK trips on': (_rng, ctx) => sdkTrippingShapes(ctx.serviceUrl),
};

/** The whole corpus, grouped by what it attacks. */
function buildFuzzCorpus(seed: number, ctx: FuzzContext): Record<string, FuzzCase[]> {
  const rng = seededRandom(seed);
  return Object.fromEntries(Object.entries(CORPUS).map(([category, build]) => [category, build(rng, ctx)]));
}

/** A short, printable description of a value for a case label. */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    if (value.length > 40) return `string(${value.length})`;
    return JSON.stringify(value).replace(/[^\x20-\x7e]/g, '?');
  }
  let json: string | undefined;
  try { json = JSON.stringify(value); } catch { json = String(value); }
  json = json ?? String(value);
  return json.length > 60 ? `${Array.isArray(value) ? 'array' : typeof value}(${json.length} chars)` : json.replace(/[^\x20-\x7e]/g, '?');
}

// ---------------------------------------------------------------------------------------------------------
// Posting the corpus and checking every answer.

const SEED = 0x5eed_2026;

/** Problems found while posting a batch, one line each, with enough to replay the request. */
async function postBatch(bot: SecurityBot, cases: FuzzCase[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of cases) {
    const before = bot.connector.deliveries.length;
    let res: PostResult;
    try {
      res = c.raw !== undefined ? await bot.postRaw(c.raw, c.headers) : await bot.post(c.activity ?? {});
    } catch (err) {
      problems.push(`${c.label}: the request failed outright (${(err as Error).message})`);
      continue;
    }
    if (res.status >= 500) problems.push(`${c.label}: HTTP ${res.status} ${res.text.slice(0, 160)}`);
    const httpLeak = leakIn(res.text);
    if (httpLeak) problems.push(`${c.label}: HTTP body shows internals (/${httpLeak}/): ${res.text.slice(0, 160)}`);
    if (c.person) {
      const replies = bot.connector.deliveries.slice(before).map((d) => readableText(d.activity));
      const leak = replies.map((r) => leakIn(r)).find(Boolean);
      if (leak) problems.push(`${c.label}: a reply shows internals (/${leak}/)`);
      const invoke = c.activity?.type === 'invoke' && c.activity.name === 'adaptiveCard/action';
      if (invoke && res.status === 200) {
        const body = res.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
        const readable = body && (typeof body.value === 'string' ? body.value.trim().length > 0 : typeof body.value === 'object');
        if (!readable) problems.push(`${c.label}: invoke answered 200 without a message or card (${res.text.slice(0, 120)})`);
      }
    }
  }
  return problems;
}

function report(problems: string[]): string {
  return problems.length === 0 ? '' : `${problems.length} problem(s):\n  ${problems.slice(0, 25).join('\n  ')}${problems.length > 25 ? '\n  ...' : ''}`;
}

/** Row counts that forged requests must not change; refusals and audit rows are reported apart. */
function protectedState(bot: SecurityBot): { counts: Record<string, number>; refusals: number; auditActions: string[] } {
  const all = bot.rowCounts();
  // Refusal and audit rows are expected; conversation references record how to reach the signed-in sender; each
  // sender's press budget is a working record the instances share (issue 51), taken by every press, forged or not.
  const ignored = new Set(['concern_events', 'ack_audit', 'ack_conversation_refs', 'ack_workers', 'ack_sync_state', 'schema_migrations', 'shared_records']);
  const counts = Object.fromEntries(Object.entries(all).filter(([t]) => !ignored.has(t)));
  const byType = bot.app.db.prepare('SELECT type, COUNT(*) AS n FROM concern_events GROUP BY type').all() as { type: string; n: number }[];
  let refusals = 0;
  for (const { type, n } of byType) {
    if (type === 'accessRefused') refusals = n;
    else counts[`concern_events:${type}`] = n;
  }
  const auditActions = 'ack_audit' in all
    ? (bot.app.db.prepare('SELECT action FROM ack_audit ORDER BY rowid').all() as { action: string }[]).map((r) => r.action)
    : [];
  return { counts, refusals, auditActions };
}

describe('fuzzing /api/messages with malformed and hostile activities', () => {
  let bot: SecurityBot;
  let ctx: FuzzContext;

  beforeAll(async () => {
    bot = await startSecurityBot();
    const submitted = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, concernForm());
    expect(submitted.status).toBe(200);
    const concern = bot.app.db.prepare('SELECT id, reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { id: number; reference: string };
    await bot.message(PEOPLE.reporter, ORDINARY.friendRequests);
    const question = bot.app.db.prepare('SELECT id FROM policy_questions ORDER BY rowid DESC LIMIT 1').get() as { id: string };
    ctx = { serviceUrl: bot.connector.serviceUrl, concernReference: concern.reference, concernId: concern.id, questionId: question.id };
  });

  afterAll(async () => {
    await bot?.close();
  });

  // Built once for all the categories: building the whole corpus again for each (its random texts and 3,000 members
  // included) cost about 0.7 s of CPU.
  let corpus: Record<string, FuzzCase[]> | undefined;

  it.each(Object.keys(CORPUS))('when %s are posted, then none gets a 5xx or shows internals, and a person gets a clear answer', async (category) => {
    corpus ??= buildFuzzCorpus(SEED, ctx);
    const cases = corpus[category];
    expect(cases.length).toBeGreaterThan(5);
    expect(report(await postBatch(bot, cases))).toBe('');
  });

  it('when non-members send forged triage, acknowledgement, feedback and owner requests, then only refusal rows are added', async () => {
    const ref = ctx.concernReference;
    const before = protectedState(bot);
    const forgedIdentity = { aadObjectId: PEOPLE.dsl.aadObjectId, userId: PEOPLE.dsl.aadObjectId, isOwner: true, isTeamMember: true };
    const triageData = [
      { reference: ref }, { reference: ref.toLowerCase() }, { reference: ` ${ref} ` }, { reference: ref, ...forgedIdentity },
      { reference: ref, assigneeId: PEOPLE.outsider.aadObjectId, note: 'forged note', outcome: 'forged outcome', actionType: 'police', actionDetail: 'forged' },
      { reference: 'SG-2099-9999' }, { reference: ctx.concernId },
    ];
    const actors: { from: Record<string, unknown>; conversation: Record<string, unknown> }[] = [
      { from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider) },
      { from: PEOPLE.outsider, conversation: dslConversation() },
      { from: PEOPLE.reporter, conversation: personalConversation(PEOPLE.reporter) },
      { from: { id: '29:no-aad', name: 'No Aad' }, conversation: dslConversation() },
      { from: { ...PEOPLE.outsider, aadObjectId: PEOPLE.dsl.aadObjectId.toUpperCase() }, conversation: dslConversation() },
      { from: { id: PEOPLE.dsl.id, name: PEOPLE.dsl.name }, conversation: dslConversation() },
    ];
    const cases: FuzzCase[] = [];
    const invoke = (from: unknown, conversation: unknown, verb: string, data: unknown): Record<string, unknown> => ({
      type: 'invoke', name: 'adaptiveCard/action', from, conversation, replyToId: 'card-1',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
    for (const a of actors) {
      for (const verb of TRIAGE_VERBS) {
        for (const data of triageData) {
          cases.push({ label: `${verb} ${JSON.stringify(data)} from ${JSON.stringify(a.from)} in ${String(a.conversation.id)}`, activity: invoke(a.from, a.conversation, verb, data), person: true });
        }
      }
      for (const text of [`concern ${ref}`, `concern export ${ref}`, 'concerns']) {
        cases.push({ label: `"${text}" from ${JSON.stringify(a.from)} in ${String(a.conversation.id)}`, activity: { type: 'message', text, from: a.from, conversation: a.conversation }, person: true });
      }
    }
    const outsider = (verb: string, data: unknown): FuzzCase => ({
      label: `${verb} ${JSON.stringify(data)} from the outsider`, activity: invoke(PEOPLE.outsider, personalConversation(PEOPLE.outsider), verb, data), person: true,
    });
    cases.push(
      outsider(Verbs.feedback, { questionId: 'no-such-question', helpful: true }),
      outsider(Verbs.feedback, { questionId: ctx.questionId, helpful: 'maybe' }),
      outsider(Verbs.feedback, { questionId: ctx.questionId, helpful: { value: true } }),
      outsider(Verbs.acknowledge, { policyId: 'no-such-policy', versionHash: 'deadbeef', campaignId: 'campaign-that-does-not-exist' }),
      outsider(Verbs.acknowledge, { campaignId: 'campaign-that-does-not-exist', ...forgedIdentity }),
      outsider(Verbs.campaignStatus, { campaignId: 'campaign-that-does-not-exist', isOwner: true, aadObjectId: PEOPLE.owner.aadObjectId }),
      outsider(Verbs.campaignRemind, { isOwner: true, aadObjectId: PEOPLE.owner.aadObjectId, userId: PEOPLE.owner.aadObjectId }),
      outsider(Verbs.campaignExport, { isOwner: true, aadObjectId: PEOPLE.owner.aadObjectId }),
      outsider('ack.campaignStart', { audience: 'all', isOwner: true, aadObjectId: PEOPLE.owner.aadObjectId }),
    );

    const problems = await postBatch(bot, cases);
    const after = protectedState(bot);

    expect(after.counts).toEqual(before.counts);
    expect(after.refusals).toBeGreaterThan(before.refusals);
    expect(after.auditActions.slice(before.auditActions.length).filter((a) => a !== 'owner.refused')).toEqual([]);
    expect(report(problems)).toBe('');
  });

  it('when a message action carries 64 KB of unclosed HTML tags, then the bot keeps serving others (no event-loop stall over 1 s)', async () => {
    let last = Date.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = Date.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    try {
      const res = await bot.post({
        type: 'invoke', name: 'composeExtension/fetchTask', from: PEOPLE.outsider, conversation: personalConversation(PEOPLE.outsider),
        value: { commandId: 'reportConcern', commandContext: 'message', messagePayload: { body: { content: '<'.repeat(64 * 1024), contentType: 'html' } } },
      });
      expect(res.status).toBeLessThan(500);
    } finally {
      clearInterval(tick);
    }
    expect(worstGap).toBeLessThan(1000);
  });

  it.each(['gzip', 'deflate'])('when a JSON body claims Content-Encoding %s but is plain JSON, then it is refused with a 4xx and the process keeps running', async (encoding) => {
    // restify's body reader pipes such a body into zlib; an unhandled zlib 'error' event would end the process.
    const body = JSON.stringify({ type: 'message', text: 'help', serviceUrl: bot.connector.serviceUrl, conversation: personalConversation(PEOPLE.outsider), from: PEOPLE.outsider });
    const res = await bot.postRaw(body, { 'content-encoding': encoding });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await fetch(`${bot.base}/healthz`)).status).toBe(200);
  });

  it('when a gzip body would inflate past the 256 KB limit (a small compression bomb), then it is refused unread (415: compressed bodies are not accepted)', async () => {
    // restify counts the compressed bytes against maxBodySize, so a few KB of gzip could become hundreds of MB.
    const inflated = JSON.stringify({
      type: 'message', text: ' '.repeat(4 * 1024 * 1024), serviceUrl: bot.connector.serviceUrl,
      conversation: personalConversation(PEOPLE.outsider), from: PEOPLE.outsider, channelId: 'msteams',
    });
    const compressed = zlib.gzipSync(inflated);
    expect(compressed.length).toBeLessThan(64 * 1024);
    const res = await fetch(`${bot.base}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: compressed, signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(415);
  });

  it('after the whole corpus, then the process still serves: /healthz answers 200 and no prototype was polluted', async () => {
    const res = await fetch(`${bot.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const answer = await bot.message(PEOPLE.outsider, 'help');
    expect(answer.status).toBeLessThan(300);
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted).toBeUndefined();
    expect(probe.isOwner).toBeUndefined();
  });
});
