import { randomUUID } from 'node:crypto';
import { TableClient, TableTransactionEntityResponse, TableTransactionResponse, TransactionAction } from '@azure/data-tables';
import { HttpClient, RestError, createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';

/**
 * Entity group transactions, sent through the table client's own pipeline (its credential, retries and the store's
 * request counter) with a body written here: the operations, headers and entities `TableClient.submitTransaction`
 * (@azure/data-tables 13.3) writes. That method builds a second TableClient and pipeline for every call and runs each
 * operation through a further pipeline to write its part of the body: profiled during a burst of acknowledgements, about
 * a tenth of the bot's main thread went on it, and an acknowledgement's mark and the sender's claims are each a
 * transaction (bench/transactionCost.ts measures the two ways). The operations, the request and the
 * answer (sub-responses with their etags; a refusal as a RestError with the service's status, code and message, which
 * names the refused operation's index) are as the SDK's.
 *
 * Azure Cosmos DB's table endpoints want their own dialect: those still go through the SDK's method.
 */

const LINE = '\r\n';
let httpClient: HttpClient | undefined;

/** Property names the SDK writes under the service's names. */
const SERVICE_NAMES: Record<string, string> = { partitionKey: 'PartitionKey', rowKey: 'RowKey', etag: 'odata.etag', timestamp: 'Timestamp' };
const EDM_TYPES = new Set(['Boolean', 'DateTime', 'Double', 'Guid', 'Int32', 'Int64', 'String', 'Binary']);

/** An entity as the service's JSON: the SDK's serialisation (typed values annotated with their EDM type). */
function serializeEntity(entity: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) {
    const key = SERVICE_NAMES[name] ?? name;
    const typed = typeof value === 'object' && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)
      ? (value as { value?: unknown; type?: unknown }) : undefined;
    if (typed && typed.value !== undefined && typed.type !== undefined) {
      if (!EDM_TYPES.has(String(typed.type))) throw new Error(`Unknown EDM type ${typeof typed.value}`);
      out[key] = typed.value;
      out[`${key}@odata.type`] = `Edm.${String(typed.type)}`;
    } else if (value === undefined || value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') {
      out[key] = value;
    } else if (typeof value === 'bigint') {
      out[key] = value.toString();
      out[`${key}@odata.type`] = 'Edm.Int64';
    } else if (value instanceof Date) {
      out[key] = value;
      out[`${key}@odata.type`] = 'Edm.DateTime';
    } else if (value instanceof Uint8Array) {
      out[key] = Buffer.from(value).toString('base64');
      out[`${key}@odata.type`] = 'Edm.Binary';
    } else {
      throw new Error(`Unknown EDM type ${typeof value}`);
    }
  }
  return out;
}

/** A key as the service's entity address wants it: quotes doubled, then URL-encoded (as the SDK writes it). */
const keyInUrl = (key: string): string => encodeURIComponent(key.replace(/'/g, "''"));

/** One operation's part of the changeset: its request line, headers and body. */
function operationPart(tableUrl: string, action: TransactionAction): string {
  const [kind, entity] = action;
  const address = `${tableUrl}(PartitionKey='${keyInUrl(entity.partitionKey)}',RowKey='${keyInUrl(entity.rowKey)}')`;
  let head: string[];
  let body = '';
  if (kind === 'create') {
    head = [`POST ${tableUrl} HTTP/1.1`, 'Content-Type: application/json;odata=nometadata', 'Accept: application/json;odata=minimalmetadata',
      'DataServiceVersion: 3.0', 'Prefer: return-no-content'];
    body = JSON.stringify(serializeEntity(entity));
  } else if (kind === 'delete') {
    head = [`DELETE ${address} HTTP/1.1`, 'Accept: application/json;odata=minimalmetadata', 'DataServiceVersion: 3.0', 'If-Match: *'];
  } else {
    const mode = action[2] ?? 'Merge';
    const etag = kind === 'update' ? ((action as [string, unknown, unknown, { etag?: string } | undefined])[3]?.etag ?? '*') : undefined;
    head = [`${mode === 'Replace' ? 'PUT' : 'PATCH'} ${address} HTTP/1.1`, 'Content-Type: application/json', 'DataServiceVersion: 3.0',
      'Accept: application/json', ...(etag !== undefined ? [`If-Match: ${etag}`] : [])];
    body = JSON.stringify(serializeEntity(entity));
  }
  return ['content-type: application/http', 'content-transfer-encoding: binary', '', ...head, '', '', body].join(LINE);
}

/**
 * The first line's text from its first '{' to its last '}' (the SDK's /\{(.*)\}/, which is quadratic on a line of
 * braces): a sub-response's error body, or undefined where there is none.
 */
function braced(part: string): string | undefined {
  for (const line of part.split('\n')) {
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    if (open >= 0 && close > open) return line.slice(open, close + 1);
  }
  return undefined;
}

/** The service's answer read as the SDK reads it: each operation's status and etag, or the refusal thrown. */
function readAnswer(status: number, text: string, refuse: (body: string, status: number) => never): TableTransactionResponse {
  if (status < 200 || status >= 300) refuse(text, status);
  const responses = text.split('--changesetresponse_').slice(1, -1).map((part): TableTransactionEntityResponse & { status: number } => {
    const line = /HTTP\/1.1 ([0-9]*)/.exec(part);
    const code = line ? Number.parseInt(line[1], 10) : NaN;
    if (!Number.isInteger(code)) throw new Error(`Couldn't extract status from sub-response:\n ${part}`);
    const errorBody = braced(part);
    if (errorBody !== undefined) refuse(errorBody, code);
    const etag = /ETag: (.*)/.exec(part)?.[1];
    const rowKey = /RowKey='(.*)'/.exec(part)?.[1];
    return { status: code, ...(rowKey !== undefined ? { rowKey } : {}), ...(etag !== undefined ? { etag } : {}) };
  });
  return { status, subResponses: responses, getResponseForEntity: (rowKey: string) => responses.find((r) => r.rowKey === rowKey) };
}

const isCosmos = (url: string): boolean => /\.table\.cosmos(db)?\./.test(new URL(url).hostname);

/**
 * Submits the actions (one partition, at most 100) as one entity group transaction through `client`'s pipeline: all
 * applied or none, answered as `client.submitTransaction(actions)` answers.
 */
export async function submitTransaction(client: TableClient, actions: TransactionAction[]): Promise<TableTransactionResponse> {
  if (actions.length === 0 || isCosmos(client.url)) return client.submitTransaction(actions);
  const partitionKey = actions[0][1].partitionKey;
  if (actions.some((a) => a[1].partitionKey !== partitionKey)) throw new Error('All operations in a transaction must target the same partitionKey');
  // A shared access signature in the client's address goes after $batch; the operations' addresses go without it.
  const [base, sas] = client.url.split('?');
  const account = base.endsWith('/') ? base.slice(0, -1) : base;
  const batch = `batch_${randomUUID()}`;
  const changeset = `changeset_${randomUUID()}`;
  const body = [
    `--${batch}${LINE}content-type: multipart/mixed; boundary=${changeset}${LINE}${LINE}`,
    ...actions.map((a) => `--${changeset}${LINE}${operationPart(`${account}/${client.tableName}`, a)}`),
  ].join(LINE) + `${LINE}--${changeset}--${LINE}--${batch}--${LINE}`;
  const request = createPipelineRequest({
    url: `${account}/$batch${sas ? `?${sas}` : ''}`, method: 'POST', body,
    headers: createHttpHeaders({
      accept: 'application/json', 'x-ms-version': '2019-02-02', DataServiceVersion: '3.0;', MaxDataServiceVersion: '3.0;NetFx',
      'Content-Type': `multipart/mixed; boundary=${batch}`, 'Accept-Charset': 'UTF-8',
    }),
    // As the client was told (a plain http address is refused unless it was: Azurite on loopback only).
    allowInsecureConnection: (client as unknown as { allowInsecureConnection?: boolean }).allowInsecureConnection === true,
  });
  httpClient ??= createDefaultHttpClient();
  const response = await client.pipeline.sendRequest(httpClient, request);
  return readAnswer(response.status, response.bodyAsText ?? '', (text, status) => {
    let parsed: { 'odata.error'?: { code?: string; message?: { value?: string } } } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch { /* not JSON: the generic message */ }
    const error = parsed['odata.error'];
    throw new RestError(error?.message?.value ?? 'Transaction Failed', { ...(error?.code ? { code: error.code } : {}), statusCode: status, request, response });
  });
}
