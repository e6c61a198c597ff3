import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Product: not built yet. */
export function ProductPage() {
  return <ComingSoon title="Product" />;
}
