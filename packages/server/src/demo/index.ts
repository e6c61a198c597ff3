/** The demo workspace: local repositories of three products, the resources to apply, and new versions on demand. */
export { seedDemo, demoRepositoryPath, DEMO_REPOS_DIR, type DemoRepository, type DemoWorkspace, type SeedDemoOptions } from './seed.ts';
export { demoCommit, nextPatch, type DemoCommit, type DemoCommitOptions } from './commit.ts';
export { applyDemo, loadExamples, demoResources, DEFAULT_EXAMPLES_DIR, DEMO_PRODUCTS_FILE, DemoExamplesError } from './resources.ts';
export { DEMO_PRODUCTS, DEMO_PEOPLE, type DemoProduct, type DemoPerson } from './catalogue.ts';
export { DEMO_BRANCH, DemoGitError } from './git.ts';
