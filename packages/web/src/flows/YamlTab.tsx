import { List, Stack, Text, Textarea } from '@mantine/core';
import { formatProblem, type Problem, type PromotionFlow } from '@stagecoach/core';
import { useEffect, useRef, useState } from 'react';
import { flowFromYaml, flowToYaml } from './yaml.ts';

/**
 * The flow as YAML, editable. Each edit that reads as a valid flow replaces the flow (so the chart
 * follows); a change made elsewhere (the settings fields) rewrites the text.
 */
export function YamlTab({ flow, readOnly, onChange }: { flow: PromotionFlow; readOnly: boolean; onChange: (flow: PromotionFlow) => void }) {
  const [text, setText] = useState(() => flowToYaml(flow));
  const [problems, setProblems] = useState<Problem[]>([]);
  const emitted = useRef<PromotionFlow | undefined>(undefined);

  useEffect(() => {
    if (flow === emitted.current) return;
    setText(flowToYaml(flow));
    setProblems([]);
  }, [flow]);

  function edit(next: string) {
    setText(next);
    const parsed = flowFromYaml(next);
    if (!parsed.ok) {
      setProblems(parsed.problems);
      return;
    }
    setProblems([]);
    emitted.current = parsed.flow;
    onChange(parsed.flow);
  }

  return (
    <Stack gap="xs">
      <Textarea
        aria-label="Flow YAML"
        value={text}
        onChange={(e) => edit(e.currentTarget.value)}
        readOnly={readOnly}
        autosize
        minRows={16}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
      />
      {problems.length > 0 ? (
        <Stack gap={2}>
          <Text size="sm" c="red">
            The chart shows the last YAML that read as a flow. Fix these to update it:
          </Text>
          <List size="sm" c="red">
            {problems.map((p) => (
              <List.Item key={formatProblem(p)}>{formatProblem(p)}</List.Item>
            ))}
          </List>
        </Stack>
      ) : null}
    </Stack>
  );
}
