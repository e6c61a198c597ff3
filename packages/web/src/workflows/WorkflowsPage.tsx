import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Workflows: not built yet. */
export function WorkflowsPage() {
  return <ComingSoon title="Workflows" />;
}
