import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Promotion policies: not built yet. */
export function PoliciesPage() {
  return <ComingSoon title="Promotion policies" />;
}
