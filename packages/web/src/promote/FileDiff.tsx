import { Group, Paper, Text } from '@mantine/core';
import { useMemo, type ReactNode } from 'react';
import { Diff, Hunk } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import type { FileChange } from './api.ts';
import { diffFile } from './diffFiles.ts';

/**
 * One file's diff, compact (3 lines of context) or full (the whole file). The caption names the
 * application (when given) and the path, then `badge`; `note` replaces the diff (e.g. a binary file).
 */
export function FileDiff({
  application,
  file,
  full,
  badge,
  note,
}: {
  application?: string;
  file: Pick<FileChange, 'path' | 'before' | 'diff'>;
  full: boolean;
  badge?: ReactNode;
  note?: string;
}) {
  const parsed = useMemo(() => (note === undefined ? diffFile(file, full) : null), [file, full, note]);
  const name = application === undefined ? file.path : `${application} · ${file.path}`;
  return (
    <Paper component="figure" withBorder m={0} p={0} aria-label={`diff of ${application === undefined ? '' : `${application} `}${file.path}`} style={{ overflow: 'hidden' }}>
      <Group component="figcaption" gap="xs" px="sm" py={6} bg="var(--mantine-color-default-hover)">
        <Text span size="sm" ff="monospace">
          {name}
        </Text>
        {badge}
      </Group>
      {parsed === null ? (
        <Text size="sm" c="dimmed" p="sm">
          {note ?? 'no change'}
        </Text>
      ) : (
        <div style={{ overflowX: 'auto', fontSize: 'var(--mantine-font-size-xs)' }}>
          <Diff viewType="unified" diffType={parsed.type} hunks={parsed.hunks}>
            {(hunks) => hunks.map((hunk, index) => <Hunk key={`${index}:${hunk.content}`} hunk={hunk} />)}
          </Diff>
        </div>
      )}
    </Paper>
  );
}
