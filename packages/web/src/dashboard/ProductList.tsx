import { Table, Text } from '@mantine/core';
import type { ProductSummary } from './board.ts';

/** Every declared product with its number of applications. */
export function ProductList({ products }: { products: readonly ProductSummary[] }) {
  if (products.length === 0) {
    return <Text c="dimmed">No products yet.</Text>;
  }
  return (
    <Table maw={520} withTableBorder highlightOnHover tabularNums>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Product</Table.Th>
          <Table.Th ta="right">Applications</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {products.map((product) => (
          <Table.Tr key={product.name}>
            <Table.Td>{product.name}</Table.Td>
            <Table.Td ta="right">{product.applicationCount}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
