// What the demo workspace holds: three products, the people who change them, and the history of
// each product's repository. Plain data and text rendering; the repositories are written elsewhere.

/** Someone who authors the demo's commits. */
export interface DemoPerson {
  name: string;
  email: string;
}

/** The demo's people; their names appear as commit authors on the dashboard. */
export const DEMO_PEOPLE = {
  priya: { name: 'Priya Raman', email: 'priya.raman@acme.example' },
  tom: { name: 'Tom Becker', email: 'tom.becker@acme.example' },
  lena: { name: 'Lena Kovač', email: 'lena.kovac@acme.example' },
  marco: { name: 'Marco Silva', email: 'marco.silva@acme.example' },
  sofia: { name: 'Sofia Lindqvist', email: 'sofia.lindqvist@acme.example' },
} as const satisfies Record<string, DemoPerson>;

/** How big an environment's pods are and how they talk. */
interface Sizing {
  replicas: number;
  cpu: { request: string; limit: string };
  memory: { request: string; limit: string };
  logLevel: 'debug' | 'info' | 'warn';
}

const SIZING: Record<string, Sizing> = {
  dev: { replicas: 1, cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' }, logLevel: 'debug' },
  qa: { replicas: 2, cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' }, logLevel: 'debug' },
  staging: { replicas: 2, cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '512Mi' }, logLevel: 'info' },
  production: { replicas: 3, cpu: { request: '500m', limit: '2' }, memory: { request: '512Mi', limit: '1Gi' }, logLevel: 'info' },
  'production-eu': { replicas: 3, cpu: { request: '500m', limit: '2' }, memory: { request: '512Mi', limit: '1Gi' }, logLevel: 'info' },
  'production-asia': { replicas: 2, cpu: { request: '500m', limit: '2' }, memory: { request: '512Mi', limit: '1Gi' }, logLevel: 'warn' },
};

/** One commit of a product's history: the versions and replica counts it sets, per environment. */
export interface DemoChange {
  /** Author and commit date, ISO 8601 with its offset. */
  at: string;
  author: DemoPerson;
  message: string;
  versions?: Record<string, string>;
  replicas?: Record<string, number>;
}

/** A demo product: its repository's charts, and the settings of its Product resource. */
export interface DemoProduct {
  name: string;
  description: string;
  team: string;
  /** Product labels (cf-101 keeps the ones of the example instead). */
  labels: Record<string, string>;
  image: string;
  port: number;
  environments: readonly string[];
  /** Environment variables of the container, per environment. */
  env(environment: string): Record<string, string>;
  /** Product spec when the examples do not declare the product. */
  spec: Record<string, unknown>;
  /** Oldest first; the first sets every environment's version. */
  history: readonly DemoChange[];
  /** Who makes `demo commit`'s new versions. */
  developer: DemoPerson;
}

const SKIP_SELECTOR = { key: 'commitMessage', operator: 'NotIn', values: ['*[skip promotion]*'] };

/** Host name a product answers to in an environment. */
function host(product: string, environment: string): string {
  if (environment === 'production') return `${product}.acme.example`;
  if (environment.startsWith('production-')) return `${product}.${environment.slice('production-'.length)}.acme.example`;
  return `${product}.${environment}.acme.example`;
}

const isProduction = (environment: string) => environment === 'production' || environment.startsWith('production-');

const all = (environments: readonly string[], version: string) => Object.fromEntries(environments.map((e) => [e, version]));

const CF_101_ENVIRONMENTS = ['dev', 'qa', 'staging', 'production', 'production-eu', 'production-asia'] as const;
const BILLING_ENVIRONMENTS = ['dev', 'qa', 'production'] as const;
const PORTAL_ENVIRONMENTS = ['dev', 'qa', 'staging', 'production'] as const;

/** The three demo products, cf-101 first. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  {
    name: 'cf-101',
    description: 'Card payments API',
    team: 'payments',
    labels: { tier: 'gold', team: 'payments' },
    image: 'registry.acme.example/payments/cf-101',
    port: 8080,
    environments: CF_101_ENVIRONMENTS,
    env: (environment) => ({
      LOG_LEVEL: SIZING[environment]!.logLevel,
      PAYMENTS_GATEWAY_URL: isProduction(environment) ? 'https://gateway.acme.example' : 'https://gateway.sandbox.acme.example',
      FRAUD_CHECKS: isProduction(environment) ? 'enforce' : 'report',
    }),
    spec: {},
    developer: DEMO_PEOPLE.tom,
    history: [
      { at: '2026-09-14T09:12:00+02:00', author: DEMO_PEOPLE.priya, message: 'Add the cf-101 chart for every environment', versions: all(CF_101_ENVIRONMENTS, '1.2.4') },
      { at: '2026-09-22T15:40:00+02:00', author: DEMO_PEOPLE.tom, message: 'dev: cf-101 1.2.5 (fix rounding of partial refunds)', versions: { dev: '1.2.5' } },
      {
        at: '2026-09-29T10:05:00+02:00',
        author: DEMO_PEOPLE.lena,
        message: 'Promote cf-101 1.2.5 to qa, staging, production and production-eu\n\nproduction-asia stays on 1.2.4 until the regional freeze ends.',
        versions: { qa: '1.2.5', staging: '1.2.5', production: '1.2.5', 'production-eu': '1.2.5' },
      },
      { at: '2026-10-08T11:30:00+02:00', author: DEMO_PEOPLE.tom, message: 'dev: cf-101 1.3.0 (card tokenisation)', versions: { dev: '1.3.0' } },
      { at: '2026-10-13T16:20:00+02:00', author: DEMO_PEOPLE.lena, message: 'Promote cf-101 1.3.0 to qa and staging', versions: { qa: '1.3.0', staging: '1.3.0' } },
      { at: '2026-10-21T08:45:00+02:00', author: DEMO_PEOPLE.marco, message: 'production-asia: run 3 replicas for the sales peak', replicas: { 'production-asia': 3 } },
      { at: '2026-11-03T14:10:00+01:00', author: DEMO_PEOPLE.tom, message: 'dev: cf-101 1.3.2 (retry gateway timeouts)', versions: { dev: '1.3.2' } },
      { at: '2026-11-05T09:55:00+01:00', author: DEMO_PEOPLE.lena, message: 'Promote cf-101 1.3.2 to qa', versions: { qa: '1.3.2' } },
      { at: '2026-11-17T17:25:00+01:00', author: DEMO_PEOPLE.priya, message: 'dev: cf-101 1.4.0 (3-D Secure 2 challenge flow)', versions: { dev: '1.4.0' } },
    ],
  },
  {
    name: 'billing-api',
    description: 'Invoices and subscriptions',
    team: 'billing',
    labels: { tier: 'silver', team: 'billing' },
    image: 'registry.acme.example/billing/billing-api',
    port: 8081,
    environments: BILLING_ENVIRONMENTS,
    env: (environment) => ({
      LOG_LEVEL: SIZING[environment]!.logLevel,
      INVOICE_BUCKET: `s3://acme-invoices-${environment}`,
    }),
    spec: {
      promotionTemplateRef: 'helm-default',
      promotionFlows: [{ name: 'three-env-promotion', gitTriggerSelectors: [SKIP_SELECTOR] }],
      concurrency: { policy: 'supersede' },
    },
    developer: DEMO_PEOPLE.marco,
    history: [
      { at: '2026-09-16T13:00:00+02:00', author: DEMO_PEOPLE.marco, message: 'Add the billing-api chart for dev, qa and production', versions: all(BILLING_ENVIRONMENTS, '2.6.3') },
      { at: '2026-10-01T10:15:00+02:00', author: DEMO_PEOPLE.marco, message: 'dev: billing-api 2.7.0 (PDF invoices)', versions: { dev: '2.7.0' } },
      { at: '2026-10-09T12:40:00+02:00', author: DEMO_PEOPLE.sofia, message: 'dev: billing-api 2.7.1 (VAT for EU customers)', versions: { dev: '2.7.1' } },
      { at: '2026-10-15T09:30:00+02:00', author: DEMO_PEOPLE.lena, message: 'Promote billing-api 2.7.1 to qa', versions: { qa: '2.7.1' } },
      { at: '2026-11-12T15:05:00+01:00', author: DEMO_PEOPLE.marco, message: 'dev: billing-api 2.8.0 (usage-based plans)', versions: { dev: '2.8.0' } },
    ],
  },
  {
    name: 'web-portal',
    description: 'Customer web portal',
    team: 'web',
    labels: { tier: 'bronze', team: 'web' },
    image: 'registry.acme.example/web/web-portal',
    port: 3000,
    environments: PORTAL_ENVIRONMENTS,
    env: (environment) => ({
      LOG_LEVEL: SIZING[environment]!.logLevel,
      API_BASE_URL: `https://${host('api', environment)}`,
    }),
    spec: {
      promotionTemplateRef: 'helm-default',
      promotionFlows: [{ name: 'env-dependencies', gitTriggerSelectors: [SKIP_SELECTOR] }],
      concurrency: { policy: 'queue', queueLimit: 20 },
    },
    developer: DEMO_PEOPLE.sofia,
    history: [
      { at: '2026-09-18T11:20:00+02:00', author: DEMO_PEOPLE.sofia, message: 'Add the web-portal chart for dev, qa, staging and production', versions: all(PORTAL_ENVIRONMENTS, '0.8.2') },
      { at: '2026-10-06T14:35:00+02:00', author: DEMO_PEOPLE.sofia, message: 'dev: web-portal 0.8.3 (faster search)', versions: { dev: '0.8.3' } },
      { at: '2026-10-12T10:00:00+02:00', author: DEMO_PEOPLE.lena, message: 'Promote web-portal 0.8.3 to qa and staging', versions: { qa: '0.8.3', staging: '0.8.3' } },
      { at: '2026-10-27T16:50:00+01:00', author: DEMO_PEOPLE.sofia, message: 'dev: web-portal 0.8.4 (new sign-in page)', versions: { dev: '0.8.4' } },
      { at: '2026-11-02T09:10:00+01:00', author: DEMO_PEOPLE.lena, message: 'Promote web-portal 0.8.4 to qa', versions: { qa: '0.8.4' } },
      { at: '2026-11-19T13:45:00+01:00', author: DEMO_PEOPLE.priya, message: 'dev: web-portal 0.9.0 (dashboard redesign)', versions: { dev: '0.9.0' } },
    ],
  },
];

/** The demo product of that name, or undefined. */
export function demoProduct(name: string): DemoProduct | undefined {
  return DEMO_PRODUCTS.find((p) => p.name === name);
}

/** What an environment's folder depends on: its version and replica count. */
export interface EnvironmentState {
  version: string;
  replicas: number;
}

function chartYaml(product: DemoProduct, environment: string, state: EnvironmentState): string {
  return `# Helm chart of ${product.name} as it runs in ${environment}.
apiVersion: v2
name: ${product.name}
description: ${product.description}
type: application
# The chart is released with the application, so both versions move together.
version: ${state.version}
appVersion: "${state.version}"
`;
}

function valuesYaml(product: DemoProduct, environment: string, state: EnvironmentState): string {
  const size = SIZING[environment]!;
  const env = Object.entries(product.env(environment))
    .map(([k, v]) => `  ${k}: ${v}\n`)
    .join('');
  return `# ${product.name} in ${environment}.
# Promotions copy image.tag (and the chart's versions) from the environment before this one;
# everything else in this file belongs to ${environment} and is left as it is.

replicaCount: ${state.replicas}

image:
  repository: ${product.image}
  # The build that runs here.
  tag: "${state.version}"
  pullPolicy: IfNotPresent

service:
  type: ClusterIP
  port: ${product.port}

ingress:
  enabled: true
  host: ${host(product.name, environment)}

resources:
  requests:
    cpu: ${size.cpu.request}
    memory: ${size.memory.request}
  limits:
    cpu: "${size.cpu.limit}"
    memory: ${size.memory.limit}

env:
${env}`;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Chart.Name }}
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Chart.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Chart.Name }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
          env:
            {{- range $name, $value := .Values.env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Chart.Name }}
spec:
  type: {{ .Values.service.type }}
  selector:
    app.kubernetes.io/name: {{ .Chart.Name }}
  ports:
    - name: http
      port: 80
      targetPort: http
`;

function readme(product: DemoProduct): string {
  return `# ${product.name}

${product.description}, deployed by the ${product.team} team. One Helm chart per environment under
\`envs/<environment>/\`; Argo CD syncs each folder to its cluster, and Stagecoach promotes the
image tag and the chart's versions from one environment's folder to the next.
`;
}

/** Every file of a product's repository for the given states: path → content. */
export function renderRepository(product: DemoProduct, states: ReadonlyMap<string, EnvironmentState>): Map<string, string> {
  const files = new Map<string, string>([['README.md', readme(product)]]);
  for (const [environment, state] of states) {
    const folder = `envs/${environment}`;
    files.set(`${folder}/Chart.yaml`, chartYaml(product, environment, state));
    files.set(`${folder}/values.yaml`, valuesYaml(product, environment, state));
    files.set(`${folder}/templates/deployment.yaml`, DEPLOYMENT);
    files.set(`${folder}/templates/service.yaml`, SERVICE);
  }
  return files;
}

/** A history entry turned into what a commit holds: its files after the change, and its metadata. */
export interface DemoSnapshot {
  change: DemoChange;
  files: Map<string, string>;
}

/** Replays a product's history: the repository's files after each commit, oldest first. */
export function replayHistory(product: DemoProduct): DemoSnapshot[] {
  const states = new Map<string, EnvironmentState>();
  const snapshots: DemoSnapshot[] = [];
  for (const change of product.history) {
    for (const environment of product.environments) {
      const before = states.get(environment);
      const version = change.versions?.[environment] ?? before?.version;
      if (version === undefined) throw new Error(`demo product ${product.name}: the first change must set the version of ${environment}`);
      const replicas = change.replicas?.[environment] ?? before?.replicas ?? SIZING[environment]!.replicas;
      states.set(environment, { version, replicas });
    }
    snapshots.push({ change, files: renderRepository(product, states) });
  }
  return snapshots;
}
