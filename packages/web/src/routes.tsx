import { createRootRoute, createRoute, createRouter, type RouterHistory } from '@tanstack/react-router';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { FlowBuilderPage } from './flows/FlowBuilderPage.tsx';
import { FlowsPage } from './flows/FlowsPage.tsx';
import { CommitChangesPage } from './promote/CommitChangesPage.tsx';
import { ReleasePage } from './releases/ReleasePage.tsx';
import { ReleasesPage } from './releases/ReleasesPage.tsx';
import { AppLayout } from './shell/AppLayout.tsx';
import { NotFound } from './shell/NotFound.tsx';
import { PoliciesPage } from './policies/PoliciesPage.tsx';
import { ProductsPage } from './products/ProductsPage.tsx';
import { ProductPage } from './products/ProductPage.tsx';
import { WorkflowsPage } from './workflows/WorkflowsPage.tsx';
import { WorkflowTemplatePage } from './workflows/WorkflowTemplatePage.tsx';
import { WorkflowRunPage } from './workflows/WorkflowRunPage.tsx';
import { EnvironmentsPage } from './catalog/EnvironmentsPage.tsx';
import { ApplicationsPage } from './catalog/ApplicationsPage.tsx';
import { PullRequestsPage } from './pull-requests/PullRequestsPage.tsx';
import { PullRequestPage } from './pull-requests/PullRequestPage.tsx';

/**
 * Keeps the named search parameters that hold a non-empty string, dropping the rest, so every
 * page reads `string | undefined` whatever the address bar held.
 */
export function stringParams<K extends string>(names: readonly K[]) {
  return (search: Record<string, unknown>): Partial<Record<K, string>> => {
    const kept: Partial<Record<K, string>> = {};
    for (const name of names) {
      const value = search[name];
      if (typeof value === 'string' && value !== '') kept[name] = value;
      else if (typeof value === 'number') kept[name] = String(value);
    }
    return kept;
  };
}

const rootRoute = createRootRoute({ component: AppLayout, notFoundComponent: NotFound });

const routeTree = rootRoute.addChildren([
  createRoute({ getParentRoute: () => rootRoute, path: '/', component: Dashboard }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: '/promote',
    component: CommitChangesPage,
    validateSearch: stringParams(['product', 'from', 'to', 'application']),
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: '/releases',
    component: ReleasesPage,
    validateSearch: stringParams(['product', 'status', 'flow', 'since', 'until']),
  }),
  createRoute({ getParentRoute: () => rootRoute, path: '/releases/$id', component: ReleasePage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/pull-requests', component: PullRequestsPage, validateSearch: stringParams(['state']) }),
  createRoute({ getParentRoute: () => rootRoute, path: '/pull-requests/$id', component: PullRequestPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/flows', component: FlowsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/flows/$name', component: FlowBuilderPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/policies', component: PoliciesPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/products', component: ProductsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/products/$name', component: ProductPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/workflows', component: WorkflowsPage, validateSearch: stringParams(['template', 'status', 'product', 'environment', 'release']) }),
  createRoute({ getParentRoute: () => rootRoute, path: '/workflows/$name', component: WorkflowTemplatePage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/workflow-runs/$id', component: WorkflowRunPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/environments', component: EnvironmentsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/applications', component: ApplicationsPage }),
]);

/**
 * The app's router: `/` dashboard, `/promote`, `/releases`, `/releases/$id`, `/pull-requests`,
 * `/pull-requests/$id`, `/flows`, `/flows/$name` (`new` for a new flow) and the other pages
 * above, inside the navigation frame. `history` defaults to the browser's; tests pass a memory
 * history.
 */
export function createAppRouter(history?: RouterHistory) {
  return createRouter({ routeTree, ...(history ? { history } : {}), defaultPreload: false });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
