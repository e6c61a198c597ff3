import { ActionIcon, Badge, Box, Group, Paper, Popover, Select, Text, UnstyledButton } from '@mantine/core';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { createContext, memo, useContext, useEffect, useMemo, useState } from 'react';
import { useMeasuredNodes } from '../graph/measured.ts';
import type { FlowCheck } from './check.ts';
import { layoutFlow, NODE_HEIGHT, NODE_WIDTH } from './layout.ts';
import { environmentsInFlow, type FlowSpec } from './model.ts';
import { actionLabel } from './slots.ts';

/** What the environment nodes may do; given once by the chart rather than copied into every node. */
interface ChartActions {
  readOnly: boolean;
  /** Environments that are not in the flow yet: the choices of each node's "+". */
  available: readonly string[];
  selected: string | undefined;
  onSelect: (environment: string) => void;
  onAdd: (parent: string, environment: string) => void;
}

const ChartContext = createContext<ChartActions | null>(null);

type EnvironmentNodeData = {
  environment: string;
  trigger: boolean;
  dependsOn: number;
  lines: string[];
  problems: number;
  inCycle: boolean;
};

function AddAfter({ parent }: { parent: string }) {
  const chart = useContext(ChartContext)!;
  const [opened, setOpened] = useState(false);
  const label = `Add an environment after ${parent}`;
  return (
    // No fade: a closing chooser must not stay clickable while the next one opens.
    <Popover opened={opened} onChange={setOpened} position="right" withArrow trapFocus transitionProps={{ duration: 0 }}>
      <Popover.Target>
        <ActionIcon
          variant="filled"
          radius="xl"
          size="sm"
          aria-label={label}
          title={chart.readOnly ? 'Read only' : label}
          disabled={chart.readOnly || chart.available.length === 0}
          onClick={() => setOpened((o) => !o)}
          className="nodrag"
          style={{ position: 'absolute', right: -12, top: NODE_HEIGHT / 2 - 11 }}
        >
          +
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown className="nodrag nowheel">
        <Select
          label={label}
          placeholder="Environment"
          data={[...chart.available]}
          searchable
          dropdownOpened
          comboboxProps={{ withinPortal: false }}
          maxDropdownHeight={240}
          onChange={(environment) => {
            if (environment) chart.onAdd(parent, environment);
            setOpened(false);
          }}
        />
      </Popover.Dropdown>
    </Popover>
  );
}

const EnvironmentNode = memo(function EnvironmentNode({ data }: NodeProps<Node<EnvironmentNodeData>>) {
  const chart = useContext(ChartContext)!;
  const flagged = data.problems > 0 || data.inCycle;
  const selected = chart.selected === data.environment;
  return (
    <Paper
      withBorder
      shadow={selected ? 'md' : 'xs'}
      p="xs"
      data-environment={data.environment}
      data-problem={flagged ? 'true' : undefined}
      style={{
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        position: 'relative',
        borderColor: flagged ? 'var(--mantine-color-red-6)' : selected ? 'var(--mantine-color-blue-6)' : undefined,
        borderWidth: flagged || selected ? 2 : 1,
      }}
    >
      {data.trigger ? null : <Handle type="target" position={Position.Left} isConnectable={false} />}
      <UnstyledButton onClick={() => chart.onSelect(data.environment)} aria-label={`Edit ${data.environment}`} className="nodrag" w="100%">
        <Group justify="space-between" wrap="nowrap" gap={4}>
          <Text fw={600} truncate>
            {data.environment}
          </Text>
          {data.trigger ? (
            <Badge size="xs" variant="light">
              trigger
            </Badge>
          ) : (
            <Badge size="xs" variant="outline" color="gray">
              Depends on ({data.dependsOn})
            </Badge>
          )}
        </Group>
        <Box mt={4}>
          {data.lines.map((line) => (
            <Text key={line} size="xs" c="dimmed" truncate>
              {line}
            </Text>
          ))}
          {flagged ? (
            <Text size="xs" c="red">
              {data.inCycle ? 'in a dependency cycle' : `${data.problems} problem${data.problems === 1 ? '' : 's'}`}
            </Text>
          ) : null}
        </Box>
      </UnstyledButton>
      <AddAfter parent={data.environment} />
      <Handle type="source" position={Position.Right} isConnectable={false} style={{ opacity: 0 }} />
    </Paper>
  );
});

const nodeTypes = { environment: EnvironmentNode };

/** The lines a node shows under its name: its slots, when set. */
export function nodeLines(spec: FlowSpec, environment: string): string[] {
  if (environment === spec.triggerEnvironment) return [`trigger workflow: ${spec.triggerWorkflow ?? 'none'}`];
  const step = spec.steps.find((s) => s.environment === environment);
  const policy = step?.policy ?? {};
  const workflow = (name: string | null | undefined) => (name === null ? 'none' : (name ?? 'from policies'));
  const lines = [`pre: ${workflow(policy.preAction)}`, `action: ${actionLabel(policy.action)}`, `post: ${workflow(policy.postAction)}`];
  const hooks = Object.entries(step?.hooks ?? {}).filter(([, v]) => v !== undefined);
  if (hooks.length > 0) lines.push(`hooks: ${hooks.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines;
}

function FitOnResize({ count }: { count: number }) {
  const { fitView } = useReactFlow();
  // The chart narrows when the settings panel opens beside it; refit then too.
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  useEffect(() => {
    void fitView({ padding: 0.15, maxZoom: 1, duration: 0 });
  }, [count, width, height, fitView]);
  return null;
}

/**
 * The flow as a left-to-right graph: one node per environment, arrows from each environment to
 * the steps that wait for it, nodes with problems outlined red. Nodes are placed by dagre, not
 * dragged, so every change is made with buttons and menus (keyboard included).
 */
export function FlowChart(props: { spec: FlowSpec; check: FlowCheck; allEnvironments: readonly string[]; readOnly: boolean; selected: string | undefined; onSelect: (environment: string) => void; onAdd: (parent: string, environment: string) => void }) {
  const { spec, check } = props;
  const { nodes, edges } = useMemo(() => {
    const layout = layoutFlow(spec);
    const inCycle = new Set(check.cycle);
    const nodes: Node<EnvironmentNodeData>[] = environmentsInFlow(spec)
      .filter((environment) => layout.positions.has(environment))
      .map((environment) => ({
        id: environment,
        type: 'environment',
        position: layout.positions.get(environment)!,
        draggable: false,
        connectable: false,
        // Nodes that are neither dragged nor selected ignore the pointer by default; their buttons must not.
        style: { pointerEvents: 'all' as const },
        data: {
          environment,
          trigger: environment === spec.triggerEnvironment,
          dependsOn: layout.edges.filter((e) => e.to === environment).length,
          lines: nodeLines(spec, environment),
          problems: check.byEnvironment.get(environment)?.length ?? 0,
          inCycle: inCycle.has(environment),
        },
      }));
    const edges: Edge[] = layout.edges.map((e) => ({
      id: `${e.from}->${e.to}`,
      source: e.from,
      target: e.to,
      type: 'smoothstep',
      markerEnd: { type: MarkerType.ArrowClosed },
      ...(inCycle.has(e.from) && inCycle.has(e.to) ? { style: { stroke: 'var(--mantine-color-red-6)' } } : {}),
    }));
    return { nodes, edges };
  }, [spec, check]);
  const measured = useMeasuredNodes(nodes);

  const inFlow = new Set(environmentsInFlow(spec));
  const actions: ChartActions = {
    readOnly: props.readOnly,
    available: props.allEnvironments.filter((e) => !inFlow.has(e)),
    selected: props.selected,
    onSelect: props.onSelect,
    onAdd: props.onAdd,
  };

  return (
    <ChartContext.Provider value={actions}>
      <Box h={520} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }} role="group" aria-label="Flow chart">
        <ReactFlowProvider>
          <ReactFlow
            nodes={measured.nodes}
            onNodesChange={measured.onNodesChange}
            edges={edges}
            nodeTypes={nodeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            onlyRenderVisibleElements={nodes.length > 40}
            minZoom={0.1}
            fitView
            proOptions={{ hideAttribution: true }}
          >
            <FitOnResize count={nodes.length} />
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </ReactFlowProvider>
      </Box>
    </ChartContext.Provider>
  );
}
