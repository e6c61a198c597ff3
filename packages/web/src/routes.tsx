import { createRootRoute, createRoute, createRouter, lazyRouteComponent, type RouterHistory } from '@tanstack/react-router';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { AppLayout } from './shell/AppLayout.tsx';
import { NotFound } from './shell/NotFound.tsx';

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

/**
 * Every page but the dashboard is loaded when first opened, each in its own chunk with what only
 * it uses (the graph editor, the diff viewer), so the first page downloads less.
 */
const FlowBuilderPage = lazyRouteComponent(() => import('./flows/FlowBuilderPage.tsx'), 'FlowBuilderPage');
const FlowsPage = lazyRouteComponent(() => import('./flows/FlowsPage.tsx'), 'FlowsPage');
const CommitChangesPage = lazyRouteComponent(() => import('./promote/CommitChangesPage.tsx'), 'CommitChangesPage');
const ReleasePage = lazyRouteComponent(() => import('./releases/ReleasePage.tsx'), 'ReleasePage');
const ReleasesPage = lazyRouteComponent(() => import('./releases/ReleasesPage.tsx'), 'ReleasesPage');
const PoliciesPage = lazyRouteComponent(() => import('./policies/PoliciesPage.tsx'), 'PoliciesPage');
const ProductsPage = lazyRouteComponent(() => import('./products/ProductsPage.tsx'), 'ProductsPage');
const ProductPage = lazyRouteComponent(() => import('./products/ProductPage.tsx'), 'ProductPage');
const WorkflowsPage = lazyRouteComponent(() => import('./workflows/WorkflowsPage.tsx'), 'WorkflowsPage');
const WorkflowTemplatePage = lazyRouteComponent(() => import('./workflows/WorkflowTemplatePage.tsx'), 'WorkflowTemplatePage');
const WorkflowRunPage = lazyRouteComponent(() => import('./workflows/WorkflowRunPage.tsx'), 'WorkflowRunPage');
const EnvironmentsPage = lazyRouteComponent(() => import('./catalog/EnvironmentsPage.tsx'), 'EnvironmentsPage');
const ApplicationsPage = lazyRouteComponent(() => import('./catalog/ApplicationsPage.tsx'), 'ApplicationsPage');
const PullRequestsPage = lazyRouteComponent(() => import('./pull-requests/PullRequestsPage.tsx'), 'PullRequestsPage');
const PullRequestPage = lazyRouteComponent(() => import('./pull-requests/PullRequestPage.tsx'), 'PullRequestPage');

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
