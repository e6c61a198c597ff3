import { Anchor, Group, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ProductSummary } from './board.ts';

/** Products without applications named at most; the rest are counted. */
const NAMED = 12;

/**
 * One line under the board: how many products there are, and those with no applications (they
 * have no card in any column), with a link to the Products page, which lists them all.
 */
export function ProductList({ products }: { products: readonly ProductSummary[] }) {
  if (products.length === 0) {
    return <Text c="dimmed">No products yet.</Text>;
  }
  const idle = products.filter((product) => product.applicationCount === 0);
  return (
    <Group gap="xs" role="group" aria-label="products">
      <Text size="sm">
        {products.length} {products.length === 1 ? 'product' : 'products'}
        {idle.length === 0 ? '.' : `; without applications, so on no column: `}
      </Text>
      {idle.slice(0, NAMED).map((product) => (
        <Anchor key={product.name} renderRoot={(props) => <Link {...props} to="/products/$name" params={{ name: product.name }} />} size="sm" ff="monospace">
          {product.name}
        </Anchor>
      ))}
      {idle.length > NAMED ? <Text size="sm">and {idle.length - NAMED} more.</Text> : null}
      <Anchor renderRoot={(props) => <Link {...props} to="/products" />} size="sm">
        All products
      </Anchor>
    </Group>
  );
}
