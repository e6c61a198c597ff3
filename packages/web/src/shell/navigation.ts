/** One entry of the navigation bar. */
export interface NavItem {
  label: string;
  /** The heading it is listed under. */
  section: 'Promote' | 'Configure';
  /** Where it leads; absent for pages that do not exist yet (shown disabled, marked "soon"). */
  to?: string;
  /** Paths that count as this entry being open, besides `to` itself. */
  prefix?: string;
}

/** The navigation bar, top to bottom. */
export const navItems: readonly NavItem[] = [
  { section: 'Promote', label: 'Environments', to: '/' },
  { section: 'Promote', label: 'Releases', to: '/releases', prefix: '/releases' },
  { section: 'Promote', label: 'Pull requests', to: '/pull-requests', prefix: '/pull-requests' },
  { section: 'Promote', label: 'Promotion Flows', to: '/flows', prefix: '/flows' },
  { section: 'Configure', label: 'Policies', to: '/policies' },
  { section: 'Configure', label: 'Products', to: '/products', prefix: '/products' },
  { section: 'Configure', label: 'Workflows', to: '/workflows', prefix: '/workflows' },
  { section: 'Configure', label: 'Environments', to: '/environments' },
  { section: 'Configure', label: 'Applications', to: '/applications' },
];

/** Whether `item` is the open page at `pathname`. The dashboard matches only `/` itself. */
export function isActive(item: NavItem, pathname: string): boolean {
  if (item.to === undefined) return false;
  if (pathname === item.to) return true;
  return item.prefix !== undefined && (pathname === item.prefix || pathname.startsWith(`${item.prefix}/`));
}
