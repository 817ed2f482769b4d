/**
 * The page's only way to the network: our own API, same origin, with the bearer token from sessionStorage (never
 * localStorage, so closing the tab forgets it). Errors come back as the contract's findings and are thrown as
 * ApiError so every view can show the server's own message.
 */
import type { Finding, Session } from './types.js';

const TOKEN_KEY = 'dxacode.token';
const SESSION_KEY = 'dxacode.session';
/** The organisation an admin switched to, sent as X-Organization; absent: the token's own. */
const ORGANIZATION_KEY = 'dxacode.organization';

/** An API call that did not succeed, with the server's findings (or one made up for a network failure). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly findings: Finding[],
  ) {
    super(findings.map((f) => f.message).join(' ') || `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** The first finding's rule id, for checks such as `override.reason-required`. */
  get rule(): string | undefined {
    return this.findings[0]?.rule;
  }
}

/** The signed-in token, if any. */
export function currentToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Who is signed in, as POST /v1/session said. */
export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return undefined;
  }
}

/** Signs in: the server checks the token and records the sign-in; only then is the token kept. */
export async function signIn(token: string): Promise<Session> {
  const session = await request<Session>('POST', '/v1/session', { token, json: {} });
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  sessionStorage.removeItem(ORGANIZATION_KEY);
  return session;
}

/**
 * Works in another organisation the signed-in admin administers: later requests carry X-Organization, and the server
 * checks on each one that the token may (it answers 403 otherwise). The token's own organisation drops the header.
 */
export function switchOrganization(organization: string): Session | undefined {
  const session = currentSession();
  if (!session) return undefined;
  const home = session.homeOrganization ?? session.organization;
  if (organization === home) sessionStorage.removeItem(ORGANIZATION_KEY);
  else sessionStorage.setItem(ORGANIZATION_KEY, organization);
  const switched = { ...session, organization };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(switched));
  return switched;
}

/** Forgets the token. */
export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(ORGANIZATION_KEY);
}

/** Called when the server says the token is no longer valid (revoked, or a restarted store). */
let onUnauthenticated: () => void = () => undefined;

/** Sets what happens on a 401 (the router sends the user back to sign-in). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

interface RequestOptions {
  json?: unknown;
  body?: Blob | string;
  contentType?: string;
  token?: string;
  signal?: AbortSignal;
  /** Sent as Idempotency-Key: a retry after a lost connection then cannot store the write twice. */
  idempotencyKey?: string;
  /** More request headers. */
  headers?: Record<string, string>;
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const token = options.token ?? currentToken();
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  // A sign-in (explicit token) is always in the token's own organisation.
  const organization = options.token === undefined ? sessionStorage.getItem(ORGANIZATION_KEY) : null;
  if (organization) headers['x-organization'] = organization;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let body: Blob | string | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) headers['content-type'] = options.contentType;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body ?? null, signal: options.signal ?? null, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, [{ rule: 'http.unreachable', severity: 'error', message: 'The server could not be reached. Check the connection and try again.', source: { title: 'dxacode workbench', confidence: 'verified' } }]);
  }
  if (!response.ok) {
    let findings: Finding[] = [];
    try {
      const payload = (await response.json()) as { findings?: Finding[] };
      findings = Array.isArray(payload.findings) ? payload.findings : [];
    } catch {
      // A body that is not our JSON (a proxy's page): report the status alone.
    }
    if (findings.length === 0) findings = [{ rule: 'http.error', severity: 'error', message: `The server answered ${response.status} ${response.statusText}.`, source: { title: 'dxacode workbench', confidence: 'verified' } }];
    if (response.status === 401 && !options.token) onUnauthenticated();
    throw new ApiError(response.status, findings);
  }
  return response;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await send(method, path, options);
  } catch (error) {
    // A write whose answer was lost is sent once more with the same key: the server replays the first answer.
    if (!(error instanceof ApiError && error.status === 0 && options.idempotencyKey)) throw error;
    response = await send(method, path, options);
  }
  return (await response.json()) as T;
}

/** GET a JSON resource. */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, signal ? { signal } : {});
}

/** A random key; crypto.randomUUID exists only in secure contexts (https, localhost), getRandomValues everywhere. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** POST a JSON body (a write, with a fresh Idempotency-Key) and read the JSON answer. */
export function postJson<T>(path: string, json: unknown): Promise<T> {
  return request<T>('POST', path, { json, idempotencyKey: newIdempotencyKey() });
}

/**
 * POST a file as it is (a write, with a fresh Idempotency-Key), with the content type the server needs to read it and
 * its name (percent-encoded in x-file-name, so any name fits in a header).
 */
export function postFile<T>(path: string, body: Blob, contentType: string, fileName?: string): Promise<T> {
  return request<T>('POST', path, { body, contentType, idempotencyKey: newIdempotencyKey(), ...(fileName ? { headers: { 'x-file-name': encodeURIComponent(fileName.slice(0, 255)) } } : {}) });
}

/** GET a download (a claim file) as a Blob, with the token: a plain link could not carry it. */
export async function getBlob(path: string): Promise<{ blob: Blob; filename: string | undefined }> {
  const response = await send('GET', path);
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return { blob: await response.blob(), filename: match?.[1] };
}

/** Builds a query string from the set values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}
