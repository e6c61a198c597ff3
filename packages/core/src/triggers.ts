import { assertNever } from './assert.ts';
import type { GitTriggerSelector, Product } from './resources/schemas.ts';

/** One entry of a product's `spec.promotionFlows`: a flow name and the selectors that pick it for a commit. */
export type ProductFlowEntry = NonNullable<Product['spec']['promotionFlows']>[number];

/** What automatic triggers know about a new commit on a trigger-environment application's branch. */
export interface TriggerCommit {
  /** The full commit message; trailing whitespace and newlines are ignored when matching. */
  message: string;
  /** The commit SHA, matched by the `gitRevision` key. */
  sha: string;
  author: { name: string; email: string };
}

/**
 * Whether `value` matches the glob `pattern` as a whole, case-sensitively. `*` matches any run of
 * characters, including none and including newlines; every other character (`?`, `[`, `.`, `\`…)
 * matches only itself.
 */
export function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  if (value.length < head.length + tail.length || !value.startsWith(head) || !value.endsWith(tail)) return false;
  // Greedy left to right: taking the earliest occurrence of each middle part leaves the most room
  // for the parts after it, so it finds a match whenever one exists.
  let at = head.length;
  const end = value.length - tail.length;
  for (const part of parts.slice(1, -1)) {
    if (part === '') continue;
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * The texts a selector key is matched against. An author matches as `Name <email>`, and also as
 * the email alone and as the name alone, so `*@example.com`, `Jane Doe` and `Jane Doe <*>` all
 * work.
 */
function candidates(key: GitTriggerSelector['key'], commit: TriggerCommit): string[] {
  switch (key) {
    case 'commitMessage':
      return [commit.message.replace(/\s+$/, '')];
    case 'gitRevision':
      return [commit.sha];
    case 'author':
      return [`${commit.author.name} <${commit.author.email}>`, commit.author.email, commit.author.name];
    default:
      return assertNever(key, 'git trigger selector key');
  }
}

/**
 * Whether a commit satisfies a flow entry's git trigger selectors. Each selector holds when, for
 * `In`, one of its values (globs, see `globMatch`) matches, or, for `NotIn`, none does; all the
 * selectors must hold. No selectors (absent or empty) match every commit.
 */
export function matchGitTriggerSelectors(selectors: readonly GitTriggerSelector[] | undefined, commit: TriggerCommit): boolean {
  return (selectors ?? []).every((selector) => {
    const texts = candidates(selector.key, commit);
    const any = selector.values.some((pattern) => texts.some((text) => globMatch(pattern, text)));
    switch (selector.operator) {
      case 'In':
        return any;
      case 'NotIn':
        return !any;
      default:
        return assertNever(selector.operator, 'git trigger selector operator');
    }
  });
}

/** The commit trailer naming the release on every commit Stagecoach makes. */
export const RELEASE_TRAILER = 'Stagecoach-Release';

/** Whether a commit was made by Stagecoach itself: its message has a `Stagecoach-Release:` trailer line. */
export function isStagecoachCommit(message: string): boolean {
  return message.split(/\r?\n/).some((line) => line.startsWith(`${RELEASE_TRAILER}:`));
}

/**
 * The flow an automatic trigger runs for a new commit: the first entry of the product's
 * `promotionFlows`, in list order, whose selectors match; undefined when none does, and always
 * for commits Stagecoach made itself (so a promotion never triggers another).
 */
export function selectFlowForCommit(product: Product, commit: TriggerCommit): ProductFlowEntry | undefined {
  if (isStagecoachCommit(commit.message)) return undefined;
  return product.spec.promotionFlows?.find((entry) => matchGitTriggerSelectors(entry.gitTriggerSelectors, commit));
}
