import { Alert, Badge, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { ChangeSet } from './api.ts';
import { formatValue } from './settings.ts';

/** The files and properties one target application will change: path, property, old → new. */
export function ChangeSetFiles({ changeSet }: { changeSet: ChangeSet }) {
  const errors = changeSet.problems.filter((problem) => problem.severity === 'error');
  const warnings = changeSet.problems.filter((problem) => problem.severity === 'warning');
  return (
    <Stack gap="xs" component="section" aria-label={`changes to ${changeSet.application}`}>
      <Group gap="xs">
        <Title order={4} size="h5" ff="monospace">
          {changeSet.application}
        </Title>
        <Text size="xs" c="dimmed">
          from {changeSet.source.application} at {changeSet.source.commit.slice(0, 7)} · {changeSet.target.branch}:
          {changeSet.target.path === '' ? '/' : changeSet.target.path}
        </Text>
      </Group>
      {changeSet.noChange ? (
        <Badge variant="light" color="gray" w="fit-content">
          no change: the target already holds these values
        </Badge>
      ) : null}
      {errors.length > 0 || warnings.length > 0 ? (
        <Alert color={errors.length > 0 ? 'red' : 'yellow'} p="xs" title={errors.length > 0 ? 'Problems' : 'Warnings'}>
          <List size="sm">
            {[...errors, ...warnings].map((problem, index) => (
              <List.Item key={index}>
                {problem.file !== undefined ? `${problem.file}: ` : ''}
                {problem.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      {changeSet.files.length > 0 ? (
        <Table withTableBorder fz="sm" verticalSpacing={4} aria-label={`files changed in ${changeSet.application}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Property</Table.Th>
              <Table.Th>Change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {changeSet.files.flatMap((file) =>
              file.edits.length === 0
                ? [
                    <Table.Tr key={file.path}>
                      <Table.Td ff="monospace">{file.path}</Table.Td>
                      <Table.Td c="dimmed">whole file</Table.Td>
                      <Table.Td c="dimmed">replaced</Table.Td>
                    </Table.Tr>,
                  ]
                : file.edits.map((edit, index) => (
                    <Table.Tr key={`${file.path}#${edit.document ?? 1}${edit.path}`}>
                      <Table.Td ff="monospace">{index === 0 ? file.path : ''}</Table.Td>
                      <Table.Td ff="monospace">{edit.path}</Table.Td>
                      <Table.Td ff="monospace">
                        {formatValue(edit.old)} → {formatValue(edit.new)}
                      </Table.Td>
                    </Table.Tr>
                  )),
            )}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
