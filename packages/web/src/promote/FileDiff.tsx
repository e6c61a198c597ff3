import { Paper, Text } from '@mantine/core';
import { useMemo } from 'react';
import { Diff, Hunk } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import type { FileChange } from './api.ts';
import { diffFile } from './diffFiles.ts';

/** One file's diff, compact (3 lines of context) or full (the whole file). */
export function FileDiff({ application, file, full }: { application: string; file: FileChange; full: boolean }) {
  const parsed = useMemo(() => diffFile(file, full), [file, full]);
  return (
    <Paper component="figure" withBorder m={0} p={0} aria-label={`diff of ${application} ${file.path}`} style={{ overflow: 'hidden' }}>
      <Text component="figcaption" size="sm" ff="monospace" px="sm" py={6} bg="var(--mantine-color-default-hover)">
        {application} · {file.path}
      </Text>
      {parsed === null ? (
        <Text size="sm" c="dimmed" p="sm">
          no change
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
