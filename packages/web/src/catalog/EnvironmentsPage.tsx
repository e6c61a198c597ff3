import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Environments: not built yet. */
export function EnvironmentsPage() {
  return <ComingSoon title="Environments" />;
}
