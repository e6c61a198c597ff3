/**
 * Releases survive crashes. Fifty releases of three products run on two real server processes
 * that share one PostgreSQL database; five times, at random moments while releases are running,
 * one process is killed with SIGKILL and started again. At the end every release has ended and
 * succeeded, every target branch holds exactly one commit per (release, environment,
 * application), each carrying the values of the dev commit its release pinned, and no release
 * is left waiting or running.
 *
 * The moments and victims come from a seeded generator. The seed is printed first;
 * `STAGECOACH_RELIABILITY_SEED=<n>` replays the same schedule (the processes' own timing still
 * varies from run to run).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, postgresUnavailable } from '../testing/databases.ts';
import { createBareRepo, fixtureGit, gitLog, readAt, tempDir, type LogEntry } from '../testing/git-fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'stagecoach.js');
/** Both processes accept it; the first to start makes it an admin token in the shared database. */
const ADMIN_TOKEN = 'sct_reliability-admin-0000000000000000';

const RELEASES = 50;
const KILLS = 5;
const PRODUCTS = ['atlas', 'borealis', 'cygnus'] as const;
const ENVIRONMENTS = ['dev', 'qa', 'staging'] as const;
const TARGETS = ['qa', 'staging'] as const;
const FLOW = 'dev-qa-staging';
const FINAL = new Set(['Succeeded', 'Failed', 'Terminated']);
/** How long the releases may take to end once the last one is created and the last kill done. */
const END_WITHIN_MS = 180_000;

const chart = (product: string, version: string) => `apiVersion: v2\nname: ${product}\nversion: ${version}\nappVersion: "${version}"\n`;
const values = (product: string, tag: string) => `# ${product} values\nimage:\n  repository: acme/${product}\n  tag: "${tag}"\nreplicas: 2\n`;

function resources(repos: ReadonlyMap<string, string>): string {
  const docs = ENVIRONMENTS.map((e, i) => `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ${e}}\nspec: {kind: non-production, order: ${i + 1}}\n`);
  for (const product of PRODUCTS) {
    docs.push(`apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: ${product}}
spec:
  promotionTemplate:
    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}
    promotion:
      Chart.yaml: {jsonPaths: [$.appVersion, $.version]}
      values.yaml: {jsonPaths: [$.image.tag]}
  concurrency: {policy: queue, queueLimit: 100}
`);
    for (const e of ENVIRONMENTS) {
      docs.push(
        `apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: ${product}-${e}}\n` +
          `spec: {product: ${product}, environment: ${e}, source: {repoURL: ${JSON.stringify(repos.get(product))}, targetRevision: main, path: envs/${e}}}\n`,
      );
    }
  }
  docs.push(`apiVersion: stagecoach.dev/v1alpha1
kind: PromotionFlow
metadata: {name: ${FLOW}}
spec:
  triggerEnvironment: dev
  steps:
    - environment: qa
      policy: {action: commit}
    - environment: staging
      policy: {action: commit}
`);
  return docs.join('---\n');
}

/** A small seeded generator (mulberry32): the same seed gives the same schedule. */
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

/**
 * Commits a new dev version from a developer's clone and pushes it without force: Stagecoach
 * commits to the same branch meanwhile, so a rejected push fetches and commits again on the new
 * tip, never overwriting a promotion. Returns the pushed commit.
 */
async function pushDevVersion(clone: string, product: string, version: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    await fixtureGit(['fetch', '--quiet', 'origin', 'main'], { cwd: clone });
    await fixtureGit(['checkout', '--quiet', '--force', '-B', 'main', 'origin/main'], { cwd: clone });
    await writeFile(join(clone, 'envs', 'dev', 'Chart.yaml'), chart(product, version));
    await writeFile(join(clone, 'envs', 'dev', 'values.yaml'), values(product, version));
    await fixtureGit(['commit', '--quiet', '--all', '--message', `dev: ${product} ${version}`], { cwd: clone });
    const pushed = await fixtureGit(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], { cwd: clone, allowFail: true });
    if (pushed.code === 0) return (await fixtureGit(['rev-parse', 'HEAD'], { cwd: clone })).stdout.toString().trim();
    if (attempt === 20) throw new Error(`the push of ${product} ${version} was rejected 20 times: ${pushed.stderr}`);
    await sleep(20 * attempt);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * When an orchestrator was made, read from its lease owner name (`orchestrator-<ulid>`, the
 * ULID's first ten characters being milliseconds). Used only to tell which process holds a lease.
 */
function ownerMadeAt(owner: string): number | undefined {
  const id = /^orchestrator-([0-9a-z]{26})$/.exec(owner)?.[1];
  if (!id) return undefined;
  let ms = 0;
  for (const c of id.slice(0, 10).toUpperCase()) ms = ms * 32 + CROCKFORD.indexOf(c);
  return ms;
}

interface Response {
  status: number;
  json: any;
  text: string;
}

async function call(url: string, method: string, path: string, body?: { json?: unknown; yaml?: string }): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
  let payload: string | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    payload = body.yaml;
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}), signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** One `stagecoach server` process, started again with the same settings after each kill. */
class ServerProcess {
  /** Where it listens now; undefined while it is down (a restart gets a new port). */
  url: string | undefined;
  starts = 0;
  /** When the current process was spawned and when it listened (ms since the epoch). */
  spawnedAt = 0;
  readyAt = 0;
  /** Its stderr, every start, each line tagged with the process and start number. */
  readonly stderr: string[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly name: string,
    readonly configFile: string,
  ) {}

  async start(): Promise<void> {
    if (this.#closed) throw new Error(`${this.name}: not started again after the end of the test`);
    const env: NodeJS.ProcessEnv = { ...process.env, STAGECOACH_ADMIN_TOKEN: ADMIN_TOKEN };
    delete env.STAGECOACH_DATABASE_URL;
    delete env.NODE_TEST_CONTEXT;
    this.starts += 1;
    const tag = `[${this.name}#${this.starts}]`;
    this.spawnedAt = Date.now();
    const child = spawn(process.execPath, [BIN, 'server', '--config', this.configFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let partial = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.stderr.push(`${tag} ${line}`);
    });
    let out = '';
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${tag} did not listen within 30 s:\n${out}\n${this.stderr.slice(-20).join('\n')}`)), 30_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${tag} exited (${code ?? signal}) before listening:\n${out}\n${this.stderr.slice(-20).join('\n')}`));
      });
    });
    this.readyAt = Date.now();
  }

  /** SIGKILL: no handler runs, no lease is given up, in-flight work stops wherever it is. */
  async kill(): Promise<void> {
    this.url = undefined;
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** Kills it for good (the end of the test). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.kill();
  }

  /** Whether an orchestrator lease owner belongs to the process running now. */
  owns(owner: string): boolean {
    const made = ownerMadeAt(owner);
    return made !== undefined && this.url !== undefined && made >= this.spawnedAt - 5 && made <= this.readyAt + 5;
  }
}

interface Created {
  id: string;
  product: string;
  version: string;
  /** The dev commit made for this release; the release pins it or a commit on top of it. */
  sha: string;
}

interface Kill {
  victim: string;
  /** Seconds since the start. */
  at: number;
  /** Releases Running at that moment. */
  running: number;
  /** Releases whose lease the victim held, with the lease epoch then. */
  held: { id: string; epoch: number }[];
}

interface LeaseRow {
  id: string;
  product: string;
  status: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  lease_epoch: number;
}

const unavailable = await postgresUnavailable();

test(
  `${RELEASES} releases of ${PRODUCTS.length} products on two server processes and PostgreSQL survive ${KILLS} SIGKILLs: every release succeeds with exactly one commit per environment`,
  { skip: unavailable ?? false, timeout: 300_000 },
  async (t) => {
    const seed = Number(process.env.STAGECOACH_RELIABILITY_SEED) || Math.floor(Math.random() * 2 ** 31);
    const random = seededRandom(seed);
    t.diagnostic(`seed ${seed} (replay the schedule with STAGECOACH_RELIABILITY_SEED=${seed})`);
    const started = Date.now();
    const since = () => Math.round((Date.now() - started) / 100) / 10;

    const root = await tempDir('stagecoach-reliability-');
    const database = await createTestDatabase();
    const db = new pg.Client({ connectionString: database.url });
    db.on('error', (e) => console.log(`diagnostic database connection: ${e.message}`));
    const processes: ServerProcess[] = [];
    const background: Promise<unknown>[] = [];
    let failed = false;
    /** Set when the test ends, so the background loops stop rather than start processes again. */
    let ended = false;
    const stillOn = () => {
      if (ended) throw new Error('the test ended');
    };
    try {
      await db.connect();
      const repos = new Map<string, string>();
      for (const product of PRODUCTS) {
        const files = Object.fromEntries(ENVIRONMENTS.flatMap((e) => [[`envs/${e}/Chart.yaml`, chart(product, '1.0.0')], [`envs/${e}/values.yaml`, values(product, '1.0.0')]]));
        const repo = (await createBareRepo({ root: join(root.path, 'repos'), name: `${product}.git`, files })).path;
        repos.set(product, repo);
        await fixtureGit(['clone', '--quiet', repo, join(root.path, 'clones', product)]);
      }
      for (const name of ['a', 'b']) {
        const dataDir = join(root.path, `data-${name}`);
        await mkdir(dataDir, { recursive: true });
        const configFile = join(root.path, `server-${name}.yaml`);
        const settings = {
          port: 0,
          dataDir,
          databaseUrl: database.url,
          allowLocalRepositories: true,
          orchestrator: { leaseSeconds: 2, checkMilliseconds: 50, tickMilliseconds: 100 },
          triggers: { pollInterval: '0' },
        };
        // JSON is YAML, and quotes the paths safely.
        await writeFile(configFile, `${JSON.stringify(settings, null, 2)}\n`);
        processes.push(new ServerProcess(name, configFile));
      }
      // One after the other: the first start migrates the database and stores the admin token;
      // two first starts at once would both try to.
      await processes[0]!.start();
      const applied = await call(processes[0]!.url!, 'POST', '/api/v1/apply', { yaml: resources(repos) });
      assert.equal(applied.status, 200, applied.text);
      await processes[1]!.start();

      const live = () => processes.filter((p) => p.url !== undefined);
      /** A read on whichever process is up, trying again while processes restart. */
      const read = async (path: string): Promise<any> => {
        let last: unknown;
        for (let i = 0; i < 200; i++) {
          for (const p of live()) {
            try {
              const r = await call(p.url!, 'GET', path);
              assert.equal(r.status, 200, `GET ${path}: ${r.text}`);
              return r.json;
            } catch (e) {
              if (e instanceof assert.AssertionError) throw e;
              last = e;
            }
          }
          await sleep(100);
        }
        throw new Error(`GET ${path}: no process answered: ${String(last)}`);
      };
      const leases = async (statuses: readonly string[]): Promise<LeaseRow[]> =>
        (await db.query<LeaseRow>('select id, product, status, lease_owner, lease_expires_at, lease_epoch from releases where status = any($1)', [[...statuses]])).rows.map((r) => ({
          ...r,
          lease_epoch: Number(r.lease_epoch),
        }));

      const created: Created[] = [];
      let creating = true;
      let interruptedTriggers = 0;

      /**
       * Starts the flow for a product on the preferred process (the other one while it is down).
       * A kill may cut the request: the release may then exist or not, so it is looked up by its
       * version before the trigger is sent again.
       */
      const trigger = async (product: string, version: string, preferred: ServerProcess): Promise<string> => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const target = preferred.url !== undefined ? preferred : live()[0];
          if (!target) {
            await sleep(100);
            continue;
          }
          try {
            const r = await call(target.url!, 'POST', `/api/v1/promotion-flows/${FLOW}/trigger`, { json: { product } });
            assert.equal(r.status, 201, `trigger ${product} on ${target.name}: ${r.text}`);
            // The release pins dev's branch tip: the new dev commit, or a promotion commit made on top of it.
            assert.equal(r.json.version, version, `the release of ${product} pins the new dev version`);
            return r.json.id as string;
          } catch (e) {
            if (e instanceof assert.AssertionError) throw e;
            interruptedTriggers += 1;
            // A commit the dying process sent is finished by PostgreSQL a moment later.
            await sleep(500);
            const found = (await read(`/api/v1/releases?product=${product}&limit=1000`)).items.find((r: any) => r.version === version);
            if (found) return found.id as string;
          }
        }
        throw new Error(`could not start the flow for ${product} ${version}`);
      };

      const kills: Kill[] = [];
      /**
       * Creation and kills are interleaved so that every kill finds work to cut: before kill k
       * (from 1) at most k/(KILLS+1) of the releases may exist, and the rest come after the last
       * kill. `extra` lets a few more through when everything made so far has ended and a kill is
       * still waiting for something to run, never the last one per product.
       */
      let reserved = 0;
      let extra = 0;
      // One release per product is always left for after the last kill, however many `extra` let through.
      const beforeLastKill = RELEASES - PRODUCTS.length;
      const allowed = () => (kills.length >= KILLS ? RELEASES : Math.min(beforeLastKill, Math.floor(((kills.length + 1) * RELEASES) / (KILLS + 1)) + extra));

      /** The products' releases are made side by side (each product's in order), so work piles up in the queues. */
      const createReleases = async () => {
        let sent = 0;
        const perProduct = async (product: string, count: number, pause: () => number) => {
          for (let n = 1; n <= count; n++) {
            while (reserved >= allowed()) {
              await sleep(50);
              stillOn();
            }
            reserved += 1;
            const version = `1.0.${n}`;
            const sha = await pushDevVersion(join(root.path, 'clones', product), product, version);
            const id = await trigger(product, version, processes[sent++ % 2]!);
            created.push({ id, product, version, sha });
            await sleep(pause() * 300);
          }
        };
        try {
          const share = (i: number) => Math.floor(RELEASES / PRODUCTS.length) + (i < RELEASES % PRODUCTS.length ? 1 : 0);
          await Promise.all(PRODUCTS.map((product, i) => perProduct(product, share(i), seededRandom(seed + i + 1))));
        } finally {
          creating = false;
        }
      };

      /**
       * Kills one process, alternately, after a random pause, at a moment when releases are
       * running and (waiting up to 10 s for it) the victim holds the lease of at least one, plus
       * a random few milliseconds so the kill lands anywhere in that work; then starts it again.
       */
      const killAndRestart = async () => {
        let next = Math.floor(random() * 2);
        for (let k = 0; k < KILLS; k++) {
          await sleep(500 + random() * 2000);
          stillOn();
          const victim = processes[next]!;
          next = 1 - next;
          let running: LeaseRow[] = [];
          let held: LeaseRow[] = [];
          const waitedFrom = Date.now();
          let idleSince: number | undefined;
          for (;;) {
            running = await leases(['Running']);
            const now = new Date().toISOString();
            held = running.filter((r) => r.lease_owner !== null && r.lease_expires_at !== null && r.lease_expires_at > now && victim.owns(r.lease_owner));
            if (held.length > 0 || (running.length > 0 && Date.now() - waitedFrom > 10_000)) break;
            if (running.length === 0 && (await leases(['Queued'])).length === 0) {
              idleSince ??= Date.now();
              if (Date.now() - idleSince > 1000) {
                if (!creating) throw new Error(`every release ended before kill ${k + 1} of ${KILLS}`);
                // A fast machine ran all it was allowed: this kill finds the victim idle (a restart still counts).
                if (allowed() >= beforeLastKill) break;
                extra += PRODUCTS.length;
                idleSince = undefined;
              }
            } else {
              idleSince = undefined;
            }
            await sleep(25);
            stillOn();
          }
          await sleep(random() * 150);
          await victim.kill();
          // What the victim really held when it died: leases of releases still active, in its name.
          const cut = (await leases(['Running', 'Suspended', 'Terminating'])).filter((r) => held.some((h) => h.id === r.id && h.lease_owner === r.lease_owner));
          kills.push({ victim: victim.name, at: since(), running: running.length, held: cut.map((r) => ({ id: r.id, epoch: r.lease_epoch })) });
          t.diagnostic(`kill ${k + 1} at ${since()} s: process ${victim.name}, ${running.length} release(s) running, ${cut.length} cut in its hands`);
          await victim.start();
        }
      };

      const creation = createReleases();
      const killing = killAndRestart();
      background.push(creation, killing);
      await Promise.all([creation, killing]);

      // Every release ends (no timed assertion on speed: the bound only catches a stuck release).
      const ids = new Set(created.map((c) => c.id));
      const deadline = Date.now() + END_WITHIN_MS;
      let items: any[] = [];
      for (;;) {
        items = ((await read('/api/v1/releases?limit=1000')).items as any[]).filter((r) => ids.has(r.id));
        if (items.length === created.length && items.every((r) => FINAL.has(r.status))) break;
        if (Date.now() > deadline) {
          const stuck = items.filter((r) => !FINAL.has(r.status));
          const rows = await leases(['Queued', 'Running', 'Suspended', 'Terminating']);
          for (const r of stuck) {
            const detail = await read(`/api/v1/releases/${r.id}`);
            console.log(`stuck ${r.title} ${r.id} ${r.status}: lease ${JSON.stringify(rows.find((row) => row.id === r.id))}`);
            for (const task of detail.tasks) console.log(`  ${task.key} ${task.status} attempt ${task.attempt} ${task.message ?? ''}`);
          }
          assert.fail(`${stuck.length} release(s) did not end within ${END_WITHIN_MS / 1000} s of the last kill; ${created.length - items.length} missing`);
        }
        await sleep(250);
      }

      const problems: string[] = [];
      const statuses: Record<string, number> = {};
      const all = ((await read('/api/v1/releases?limit=1000')).items as any[]).length;
      if (all !== RELEASES) problems.push(`the store holds ${all} releases, ${RELEASES} were started`);
      const details = new Map<string, any>();
      for (const c of created) {
        const detail = await read(`/api/v1/releases/${c.id}`);
        details.set(c.id, detail);
        statuses[detail.status] = (statuses[detail.status] ?? 0) + 1;
        if (detail.status !== 'Succeeded') {
          problems.push(`${detail.title} ${c.id} ended ${detail.status}: ${detail.message ?? ''}`);
          for (const task of detail.tasks) console.log(`  ${detail.title} ${task.key} ${task.status} attempt ${task.attempt} ${task.message ?? ''}`);
        }
        if (detail.version !== c.version) problems.push(`${detail.title} ${c.id}: version ${detail.version}, expected ${c.version}`);
        const pinned: string = detail.snapshot.source.commit.sha;
        const descends = await fixtureGit(['merge-base', '--is-ancestor', c.sha, pinned], { gitDir: repos.get(c.product)!, allowFail: true });
        if (descends.code !== 0) problems.push(`${detail.title} ${c.id}: pinned ${pinned}, which does not hold its dev commit ${c.sha}`);
      }

      let commitsChecked = 0;
      const trailer = (name: string, value: string) => new RegExp(`^Stagecoach-${name}: ${value}$`, 'm');
      for (const product of PRODUCTS) {
        const repo = repos.get(product)!;
        const log = await gitLog(repo, 'main');
        const mine = created.filter((c) => c.product === product);
        const promoted = log.filter((entry) => trailer('Release', '\\S+').test(entry.message));
        if (promoted.length !== mine.length * TARGETS.length) {
          problems.push(`${product}: ${promoted.length} promotion commits on main, expected ${mine.length * TARGETS.length}`);
        }
        for (const env of TARGETS) {
          const order: string[] = [];
          for (const entry of [...log].reverse()) {
            const release = /^Stagecoach-Release: (\S+)$/m.exec(entry.message)?.[1];
            if (release && trailer('Environment', env).test(entry.message)) order.push(release);
          }
          // The queue runs a product's releases one after another, in the order they were made.
          if (JSON.stringify(order) !== JSON.stringify(mine.map((c) => c.id))) {
            problems.push(`${product} ${env}: commits in release order ${JSON.stringify(order)}, expected ${JSON.stringify(mine.map((c) => c.id))}`);
          }
          for (const c of mine) {
            const found: LogEntry[] = log.filter(
              (entry) => trailer('Release', c.id).test(entry.message) && trailer('Environment', env).test(entry.message) && trailer('Application', `${product}-${env}`).test(entry.message),
            );
            commitsChecked += 1;
            if (found.length !== 1) {
              problems.push(`${product} ${c.version} ${c.id} ${env}: ${found.length} commits\n${found.map((f) => `    ${f.sha} ${f.authorDate} ${f.message.split('\n')[0]}`).join('\n')}`);
              continue;
            }
            const commit = found[0]!;
            const action = details.get(c.id)?.tasks.find((task: any) => task.kind === 'action' && task.environment === env);
            if (action?.result?.commit?.sha !== commit.sha) problems.push(`${product} ${c.id} ${env}: the action task records ${action?.result?.commit?.sha}, the branch has ${commit.sha}`);
            const folder = `envs/${env}`;
            if ((await readAt(repo, commit.sha, `${folder}/Chart.yaml`)) !== chart(product, c.version) || (await readAt(repo, commit.sha, `${folder}/values.yaml`)) !== values(product, c.version)) {
              problems.push(`${product} ${c.id} ${env}: commit ${commit.sha} does not hold version ${c.version}`);
            }
          }
        }
      }

      // Every release a killed process was working on was taken over by another lease owner.
      const epochs = new Map((await db.query<{ id: string; lease_epoch: number }>('select id, lease_epoch from releases')).rows.map((r) => [r.id, Number(r.lease_epoch)]));
      const cut = kills.flatMap((k) => k.held);
      for (const h of cut) if ((epochs.get(h.id) ?? 0) <= h.epoch) problems.push(`release ${h.id}, leased by a killed process, was never taken over (lease epoch ${epochs.get(h.id)})`);
      const takenOver = [...epochs.values()].filter((e) => e > 1).length;
      if (kills.length !== KILLS) problems.push(`${kills.length} kills, expected ${KILLS}`);
      if (cut.length === 0) problems.push('no kill landed while the killed process held a running release (or lease owners no longer match ownerMadeAt)');

      // Actions a crash cut between the push and its record, found again by their trailers.
      const foundAgain = [...details.values()].flatMap((d) => d.tasks).filter((task: any) => task.kind === 'action' && /^already committed/.test(task.message ?? '')).length;
      const restarts = processes.reduce((n, p) => n + p.starts - 1, 0);
      const errorLines = processes.reduce((n, p) => n + p.stderr.length, 0);
      t.diagnostic(
        `releases ${created.length}, products ${PRODUCTS.length}, processes ${processes.length}, kills ${kills.length} (cutting ${cut.length} leases of ${new Set(cut.map((h) => h.id)).size} releases mid-work), ` +
          `restarts ${restarts}, triggers cut by a kill ${interruptedTriggers}, releases taken over ${takenOver}, commits found again after a crash ${foundAgain}, commits checked ${commitsChecked}, ` +
          `statuses ${JSON.stringify(statuses)}, server stderr lines ${errorLines}, wall time ${since()} s, seed ${seed}`,
      );
      assert.deepEqual(problems, []);
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      ended = true;
      for (const p of processes) await p.close().catch(() => {});
      await Promise.allSettled(background);
      for (const p of processes) await p.close().catch(() => {});
      if (failed) {
        for (const p of processes) console.log(`server ${p.name} stderr (last 60 lines):\n${p.stderr.slice(-60).join('\n')}`);
        console.log(`seed ${seed}`);
      }
      await db.end().catch(() => {});
      await database.drop();
      // A killed process's git children may still be finishing; removal tries again.
      await rm(root.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  },
);
