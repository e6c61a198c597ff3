import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Products: not built yet. */
export function ProductsPage() {
  return <ComingSoon title="Products" />;
}
