import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useAbilities } from './abilities.tsx';
import { isActive, navItems, type NavItem } from './navigation.ts';
import { useSession } from './session.tsx';

function NavEntry({ item, pathname, onOpen }: { item: NavItem; pathname: string; onOpen: () => void }) {
  if (item.to === undefined) {
    return (
      <NavLink
        component="button"
        disabled
        label={item.label}
        rightSection={
          <Badge size="xs" variant="light" color="gray">
            soon
          </Badge>
        }
      />
    );
  }
  const active = isActive(item, pathname);
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={item.label}
      active={active}
      aria-current={active ? 'page' : undefined}
      onClick={onOpen}
    />
  );
}

/** The frame of every signed-in page: a header with the token's role, the navigation bar, the page. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const { signOut } = useSession();
  const abilities = useAbilities();
  const sections = ['Promote', 'Configure'] as const;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            <Title order={1} size="h3">
              Stagecoach
            </Title>
          </Group>
          <Group gap="sm">
            {abilities.loaded ? (
              <Text size="sm" c="dimmed">
                {abilities.name} · {abilities.role}
              </Text>
            ) : null}
            <Button variant="subtle" size="sm" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        <Stack gap="md">
          {sections.map((section) => (
            <div key={section}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>
                {section}
              </Text>
              {navItems
                .filter((item) => item.section === section)
                .map((item) => (
                  <NavEntry key={`${section}/${item.label}`} item={item} pathname={pathname} onOpen={close} />
                ))}
            </div>
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
