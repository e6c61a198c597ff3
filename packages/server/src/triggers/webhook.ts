import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Git webhooks: which provider sent a request, whether its signature holds, and what it says. A
 * verified push is only a hint ("repository R, branch B moved"): what it triggers is decided by
 * the scanner, the same way as for polling.
 *
 * - GitHub: `X-GitHub-Event`, and `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 * - Gitea and Forgejo: `X-Gitea-Event` / `X-Forgejo-Event`, and `X-Forgejo-Signature` or
 *   `X-Gitea-Signature` (bare hex HMAC-SHA256 of the raw body), or GitHub's header.
 * - GitLab: `X-Gitlab-Event`, and `X-Gitlab-Token` holding the secret itself.
 *
 * Every comparison with the secret takes the same time whatever the bytes.
 */

/** Which kind of Git hosting sent a webhook, told by its event header. Gitea also stands for Forgejo. */
export type WebhookProvider = 'github' | 'gitea' | 'gitlab';

/** A verified push to a branch: the repository (every address the payload gives) and the branch that moved. */
export interface PushHint {
  provider: WebhookProvider;
  /** The repository's addresses from the payload, each normalised with `normalizeRepoURL`, without repeats. */
  repoURLs: string[];
  /** The branch name, without `refs/heads/`. */
  branch: string;
  /** The new tip the provider reported, when it gave one; shown back, never trusted for detection. */
  after?: string;
}

/**
 * What a webhook request amounts to:
 * - `push`: a verified push to a branch;
 * - `ping`: a verified test delivery (GitHub sends one when a webhook is created);
 * - `ignored`: verified, but nothing to look at (another event, a tag, a deleted branch);
 * - `unauthorized`: the signature or token is missing or wrong (nothing in the body was read);
 * - `malformed`: not a Git webhook, or a verified body that cannot be read.
 */
export type WebhookReading =
  | { kind: 'push'; push: PushHint }
  | { kind: 'ping'; provider: WebhookProvider; event: string }
  | { kind: 'ignored'; provider: WebhookProvider; event: string; reason: string }
  | { kind: 'unauthorized'; provider: WebhookProvider; reason: string }
  | { kind: 'malformed'; reason: string };

/** A request as the webhook reader needs it: headers (any case) and the raw body bytes, exactly as received. */
export interface WebhookRequest {
  headers: Headers;
  body: Uint8Array;
}

/** The header that names the event, per provider, in the order they are recognised. */
const EVENT_HEADERS: readonly { header: string; provider: WebhookProvider }[] = [
  // Gitea and Forgejo also send X-GitHub-Event, so they are recognised first.
  { header: 'x-forgejo-event', provider: 'gitea' },
  { header: 'x-gitea-event', provider: 'gitea' },
  { header: 'x-gitlab-event', provider: 'gitlab' },
  { header: 'x-github-event', provider: 'github' },
];

/** The provider and event of a request, from its event header; undefined when it has none of them. */
export function detectProvider(headers: Headers): { provider: WebhookProvider; event: string } | undefined {
  for (const { header, provider } of EVENT_HEADERS) {
    const event = headers.get(header);
    if (event !== null) return { provider, event: event.trim() };
  }
  return undefined;
}

/** The hex HMAC-SHA256 of a body under a secret: what GitHub, Gitea and Forgejo send. */
export function signWebhookBody(secret: string, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Whether a hex signature is the body's HMAC-SHA256 under the secret, compared in constant time. */
function hexSignatureHolds(secret: string, body: Uint8Array, hex: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** Whether two texts are equal, in a time that does not depend on where they differ (digests of both are compared). */
function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHmac('sha256', 'stagecoach-webhook-token').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The signature header a provider is checked by, in order of preference. */
const SIGNATURE_HEADERS: Record<Exclude<WebhookProvider, 'gitlab'>, readonly string[]> = {
  github: ['x-hub-signature-256'],
  gitea: ['x-forgejo-signature', 'x-gitea-signature', 'x-hub-signature-256'],
};

const DISPLAY_HEADER: Record<string, string> = {
  'x-hub-signature-256': 'X-Hub-Signature-256',
  'x-forgejo-signature': 'X-Forgejo-Signature',
  'x-gitea-signature': 'X-Gitea-Signature',
  'x-gitlab-token': 'X-Gitlab-Token',
};

const PROVIDER_NAME: Record<WebhookProvider, string> = { github: 'GitHub', gitea: 'Gitea/Forgejo', gitlab: 'GitLab' };

/**
 * Checks a request's signature (or GitLab's token) against the secret. Only the first signature
 * header present is checked, so a wrong one is never rescued by another. Returns why it fails, or
 * undefined when it holds.
 */
export function verifyWebhook(provider: WebhookProvider, request: WebhookRequest, secret: string): string | undefined {
  const name = PROVIDER_NAME[provider];
  if (provider === 'gitlab') {
    const token = request.headers.get('x-gitlab-token');
    if (token === null) return `missing X-Gitlab-Token header: set the ${name} webhook's secret token to the server's webhooks.secret`;
    return sameText(token, secret) ? undefined : `X-Gitlab-Token is not the server's webhooks.secret`;
  }
  const header = SIGNATURE_HEADERS[provider].find((h) => request.headers.get(h) !== null);
  if (header === undefined) {
    const names = SIGNATURE_HEADERS[provider].map((h) => DISPLAY_HEADER[h]).join(' or ');
    return `missing ${names} header: set the ${name} webhook's secret to the server's webhooks.secret`;
  }
  let value = request.headers.get(header)!.trim();
  if (header === 'x-hub-signature-256') {
    if (!value.startsWith('sha256=')) return `${DISPLAY_HEADER[header]} must be "sha256=<hex HMAC-SHA256 of the body>"`;
    value = value.slice('sha256='.length);
  }
  return hexSignatureHolds(secret, request.body, value)
    ? undefined
    : `${DISPLAY_HEADER[header]} does not match the body signed with the server's webhooks.secret`;
}

/**
 * Reads a webhook request: provider, signature, event and, for a push, the repository and branch.
 * The body is parsed only after the signature holds. Form-encoded deliveries (`payload=<json>`)
 * are read as well as JSON ones.
 */
export function readWebhook(request: WebhookRequest, secret: string): WebhookReading {
  const detected = detectProvider(request.headers);
  if (detected === undefined) {
    return { kind: 'malformed', reason: 'not a Git webhook: expected an X-GitHub-Event, X-Gitea-Event, X-Forgejo-Event or X-Gitlab-Event header' };
  }
  const { provider, event } = detected;
  const refused = verifyWebhook(provider, request, secret);
  if (refused !== undefined) return { kind: 'unauthorized', provider, reason: refused };

  if (provider === 'github' && event === 'ping') return { kind: 'ping', provider, event };
  if (provider === 'gitlab' && event === 'Tag Push Hook') return { kind: 'ignored', provider, event, reason: 'tag pushes never trigger a flow' };
  if (!isPushEvent(provider, event)) {
    return { kind: 'ignored', provider, event, reason: `event "${event}" is not a push; only pushes to a branch can trigger a flow` };
  }
  const payload = decodeBody(request);
  if (typeof payload === 'string') return { kind: 'malformed', reason: payload };
  // A GitLab system hook carries every kind of event; only its pushes count.
  if (provider === 'gitlab' && event === 'System Hook' && field(payload, 'event_name') !== 'push') {
    return { kind: 'ignored', provider, event, reason: `system hook event "${String(field(payload, 'event_name'))}" is not a push` };
  }
  return readPush(provider, event, payload);
}

function isPushEvent(provider: WebhookProvider, event: string): boolean {
  switch (provider) {
    case 'github':
    case 'gitea':
      return event === 'push';
    case 'gitlab':
      return event === 'Push Hook' || event === 'System Hook';
  }
}

/** The JSON payload of a body, or why it cannot be read. */
function decodeBody(request: WebhookRequest): Record<string, unknown> | string {
  let text = Buffer.from(request.body).toString('utf8');
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) return 'form-encoded webhook body has no "payload" field';
    text = payload;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return `webhook body is not JSON: ${(e as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'webhook body is not a JSON object';
  return parsed as Record<string, unknown>;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** Where each provider puts the repository's addresses in a push payload. */
const URL_FIELDS: Record<WebhookProvider, readonly (readonly [string, string])[]> = {
  github: [['repository', 'clone_url'], ['repository', 'ssh_url'], ['repository', 'html_url'], ['repository', 'git_url'], ['repository', 'url']],
  gitea: [['repository', 'clone_url'], ['repository', 'ssh_url'], ['repository', 'html_url']],
  gitlab: [
    ['project', 'git_http_url'],
    ['project', 'git_ssh_url'],
    ['project', 'web_url'],
    ['repository', 'git_http_url'],
    ['repository', 'git_ssh_url'],
    ['repository', 'homepage'],
  ],
};

const ZERO_COMMIT = /^0+$/;

function readPush(provider: WebhookProvider, event: string, payload: Record<string, unknown>): WebhookReading {
  const ref = field(payload, 'ref');
  if (typeof ref !== 'string') return { kind: 'malformed', reason: 'push payload has no "ref"' };
  if (!ref.startsWith('refs/heads/')) {
    return { kind: 'ignored', provider, event, reason: `ref "${ref}" is not a branch; tags and other refs never trigger` };
  }
  const branch = ref.slice('refs/heads/'.length);
  const after = field(payload, 'after');
  if (field(payload, 'deleted') === true || (typeof after === 'string' && ZERO_COMMIT.test(after))) {
    return { kind: 'ignored', provider, event, reason: `branch "${branch}" was deleted` };
  }
  const repoURLs: string[] = [];
  for (const [object, key] of URL_FIELDS[provider]) {
    const url = field(field(payload, object), key);
    if (typeof url !== 'string' || url === '') continue;
    const normalised = normalizeRepoURL(url);
    if (!repoURLs.includes(normalised)) repoURLs.push(normalised);
  }
  if (repoURLs.length === 0) {
    const where = URL_FIELDS[provider].map(([o, k]) => `${o}.${k}`).join(', ');
    return { kind: 'malformed', reason: `push payload names no repository address (looked at ${where})` };
  }
  return { kind: 'push', push: { provider, repoURLs, branch, ...(typeof after === 'string' && after !== '' ? { after } : {}) } };
}

/**
 * A repository address in the one form used to compare them: scheme and host in lower case, no
 * user or password, no default port, no trailing `/` or `.git`; scp-like `git@host:path` becomes
 * `ssh://host/path`, `file:///path` becomes `/path`. The path keeps its case. Two addresses of the
 * same repository over different protocols stay different (a payload gives every address).
 */
export function normalizeRepoURL(url: string): string {
  let text = url.trim();
  const trimEnd = (s: string) => s.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+$/, '');
  if (text.startsWith('file://')) return trimEnd(text.slice('file://'.length)) || '/';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1];
  if (scheme === undefined) {
    // scp-like [user@]host:path, the colon before any slash.
    const scp = text.startsWith('/') ? null : /^(?:[^@/:]+@)?([^@/:]+|\[[^\]/]+\]):(.*)$/s.exec(text);
    if (scp === null) return trimEnd(text) || '/';
    text = `ssh://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}`;
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:[^/?#@]*@)?([^/?#]*)(.*)$/s.exec(text);
  if (match === null) return trimEnd(text);
  const lowerScheme = match[1]!.toLowerCase().replace(/^(git\+ssh|ssh\+git)$/, 'ssh');
  let host = match[2]!.toLowerCase();
  const defaultPort = { http: ':80', https: ':443', ssh: ':22', git: ':9418' }[lowerScheme];
  if (defaultPort !== undefined && host.endsWith(defaultPort)) host = host.slice(0, -defaultPort.length);
  const path = trimEnd(match[3]!.replace(/[?#].*$/s, ''));
  return `${lowerScheme}://${host}${path}`;
}
