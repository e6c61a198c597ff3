import { z } from 'zod';
import { parseDuration } from '../duration.ts';
import { parseJsonPath } from '../jsonpath/parse.ts';

/** A field check that reports its own rule name, so problems say which rule was broken. */
function ruled<T extends z.ZodType>(schema: T, rule: string, message: string, check: (value: z.output<T>) => boolean) {
  return schema.refine(check, { message, params: { rule } });
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A resource name: a DNS-1123 label (lower-case letters, digits, `-`; at most 63 characters). */
export const Name = ruled(
  z.string(),
  'dns-1123-label',
  'must be a DNS-1123 label: at most 63 lower-case letters, digits or "-", starting and ending with a letter or digit',
  (s) => s.length <= 63 && DNS_1123_LABEL.test(s),
);

/** A reference to another resource by name; same rule as `Name`. */
export const Ref = Name;

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Label and annotation keys follow Kubernetes: an optional DNS prefix and `/`, then a name of at most 63 characters. */
export const LabelKey = ruled(
  z.string(),
  'label-key',
  'must be a label key: an optional DNS prefix and "/", then letters, digits, "-", "_" or ".", at most 63 characters',
  (s) => LABEL_KEY.test(s) && s.split('/').pop()!.length <= 63 && s.length <= 316,
);

export const Labels = z.record(LabelKey, z.string().max(63, { message: 'label values are at most 63 characters' }));
export const Annotations = z.record(LabelKey, z.string());

/**
 * A path relative to an application folder. Absolute paths, `..` segments and backslashes are
 * refused so nothing outside the folder can be read or written.
 */
export const RelativePath = ruled(
  z.string().min(1),
  'relative-path',
  'must be a relative path inside the folder: no leading "/", no ".." segment, no "\\"',
  (s) => !s.startsWith('/') && !s.includes('\\') && !s.split('/').includes('..') && !s.includes('\0'),
);

/** A folder inside a repository; `.` or empty means the repository root. Same safety rules as `RelativePath`. */
export const RepoFolder = ruled(
  z.string(),
  'relative-path',
  'must be a folder relative to the repository root: no leading "/", no ".." segment, no "\\"',
  (s) => !s.startsWith('/') && !s.includes('\\') && !s.split('/').includes('..') && !s.includes('\0'),
);

/** A JSONPath of the supported subset (`$`, `.key`, `['key']`, `[n]`, `*`, `..`). */
export const JsonPath = z.string().superRefine((s, ctx) => {
  const parsed = parseJsonPath(s);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `is not a JSONPath of the supported subset: ${parsed.message}`, params: { rule: 'json-path' } });
});

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms))+$/;

/** A Go-style duration: `24h`, `30m`, `1h30m`, `90s`. */
export const Duration = ruled(
  z.string(),
  'duration',
  'must be a positive duration such as "24h", "30m" or "1h30m" (units h, m, s, ms)',
  (s) => DURATION.test(s) && parseDuration(s).ok,
);

/** Git branch or tag; must not start with `-` so it can never be read as a command option. */
export const GitRevision = ruled(
  z.string().min(1),
  'git-ref',
  'must be a branch, tag or commit and must not start with "-" or contain spaces, "..", "~", "^", ":" or "\\"',
  (s) => !s.startsWith('-') && !/[\s~^:\\?*[]|\.\./.test(s),
);

export const LabelSelector = z.strictObject({
  matchLabels: z.record(LabelKey, z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: LabelKey,
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;
