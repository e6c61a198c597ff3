import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Applications: not built yet. */
export function ApplicationsPage() {
  return <ComingSoon title="Applications" />;
}
