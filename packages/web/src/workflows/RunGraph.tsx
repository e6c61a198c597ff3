import { Group, Text, UnstyledButton } from '@mantine/core';
import type { WorkflowRunNode } from '@stagecoach/core';
import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { memo, useMemo, useRef } from 'react';
import { useMeasuredNodes } from '../graph/measured.ts';
import { formatDuration } from '../releases/status.ts';
import { layoutRun, nodeDurationMs, phaseLook, RUN_NODE_HEIGHT, RUN_NODE_WIDTH, runEdges, runLayoutKey } from './model.ts';

interface RunNodeData extends Record<string, unknown> {
  node: WorkflowRunNode;
  selected: boolean;
  now: string;
  onSelect: (id: string) => void;
}

type RunFlowNode = Node<RunNodeData, 'run'>;

const RunNodeView = memo(function RunNodeView({ data }: NodeProps<RunFlowNode>) {
  const { node, selected, now, onSelect } = data;
  const look = phaseLook(node.phase);
  const duration = nodeDurationMs(node, now);
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <UnstyledButton
        onClick={() => onSelect(node.id)}
        aria-pressed={selected}
        aria-label={`${node.displayName}: ${node.phase}`}
        data-node={node.displayName}
        data-phase={node.phase}
        style={{
          width: RUN_NODE_WIDTH,
          height: RUN_NODE_HEIGHT,
          padding: '6px 10px',
          borderRadius: 8,
          background: 'var(--mantine-color-body)',
          border: `${selected ? 3 : 2}px solid var(--mantine-color-${look.color}-6)`,
        }}
      >
        <Group gap={6} wrap="nowrap">
          <Text span c={`${look.color}.7`} aria-hidden>
            {look.icon}
          </Text>
          <Text span fw={600} size="sm" truncate>
            {node.displayName}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" truncate>
          {node.type} · {node.phase}
          {duration !== undefined ? ` · ${formatDuration(duration)}` : ''}
        </Text>
      </UnstyledButton>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </>
  );
});

const nodeTypes = { run: RunNodeView };
const ignoreClick = () => {};

/**
 * A run's nodes as a graph from their children lists, top to bottom, coloured by phase. Clicking
 * a node (or pressing Enter on it) selects it; the layout is computed again only when nodes or
 * edges change, not when phases do.
 */
export function RunGraph({ nodes, selected, onSelect, now }: { nodes: readonly WorkflowRunNode[]; selected: string | undefined; onSelect: (id: string) => void; now: string }) {
  const key = runLayoutKey(nodes);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const layout = useMemo(() => layoutRun(nodesRef.current), [key]);
  const flowNodes = useMemo(
    () =>
      nodes.map((node): RunFlowNode => ({
        id: node.id,
        type: 'run',
        position: layout.get(node.id) ?? { x: 0, y: 0 },
        data: { node, selected: node.id === selected, now, onSelect },
        draggable: false,
        connectable: false,
        selectable: false,
      })),
    [nodes, layout, selected, now, onSelect],
  );
  const measured = useMeasuredNodes(flowNodes);
  const edges = useMemo(
    (): Edge[] =>
      runEdges(nodes).map((edge) => {
        const target = nodes.find((node) => node.id === edge.target);
        const color = phaseLook(target?.phase ?? 'Pending').color;
        return { ...edge, animated: target?.phase === 'Running', style: { stroke: `var(--mantine-color-${color}-6)`, strokeWidth: 2 } };
      }),
    [nodes],
  );
  return (
    <div style={{ height: 'max(320px, calc(100vh - 560px))', border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }} role="figure" aria-label="Run graph">
      <ReactFlow
        nodes={measured.nodes}
        onNodesChange={measured.onNodesChange}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.1}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        onNodeClick={ignoreClick}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
