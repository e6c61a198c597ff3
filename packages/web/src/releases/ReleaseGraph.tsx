import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Edge } from '@xyflow/react';
import type { Release } from '@stagecoach/core';
import { useEffect, useMemo, useRef } from 'react';
import { useMeasuredNodes } from '../graph/measured.ts';
import { buildStepNodes, layoutKey, layoutSteps, reuseUnchanged, type StepNodeData } from './graph.ts';
import { statusLook } from './status.ts';
import { StepNode, type StepFlowNode } from './StepNode.tsx';

const nodeTypes = { step: StepNode };
const ignoreClick = () => {};
const fitOptions = { padding: 0.1, maxZoom: 1 };

/** Fits the graph into view again whenever its layout changed (showing hooks makes nodes taller). */
function FitOnLayout({ layoutKey }: { layoutKey: string }) {
  const { fitView } = useReactFlow();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return undefined;
    }
    const frame = requestAnimationFrame(() => void fitView(fitOptions));
    return () => cancelAnimationFrame(frame);
  }, [layoutKey, fitView]);
  return null;
}

/**
 * The release's environments as a graph, left to right. The layout is computed again only when
 * the nodes or their sizes change, and a node re-renders only when its own step changed, so a
 * release of a hundred environments stays responsive while events stream in.
 */
export function ReleaseGraph({ release, showHooks, height = 'max(420px, calc(100vh - 380px))' }: { release: Release; showHooks: boolean; height?: number | string }) {
  const previousData = useRef(new Map<string, StepNodeData>());
  const previousNodes = useRef(new Map<string, StepFlowNode>());

  const steps = useMemo(() => {
    const next = reuseUnchanged(previousData.current, buildStepNodes(release, showHooks));
    previousData.current = new Map(next.map((step) => [step.environment, step]));
    return next;
  }, [release, showHooks]);

  const key = layoutKey(steps);
  const stepsRef = useRef(steps);
  stepsRef.current = steps;
  // Only the key matters: equal keys mean equal node sizes and edges.
  const layout = useMemo(() => layoutSteps(stepsRef.current), [key]);

  const nodes = useMemo(() => {
    const next = steps.map((step): StepFlowNode => {
      const position = layout.get(step.environment) ?? { x: 0, y: 0 };
      const before = previousNodes.current.get(step.environment);
      if (before && before.data.step === step && before.position.x === position.x && before.position.y === position.y) return before;
      return { id: step.environment, type: 'step', position, data: { step }, draggable: false, connectable: false, selectable: false };
    });
    previousNodes.current = new Map(next.map((node) => [node.id, node]));
    return next;
  }, [steps, layout]);
  const measured = useMeasuredNodes(nodes);

  const edgeStatus = steps.map((step) => `${step.environment}=${step.status}`).join('|');
  const edges = useMemo((): Edge[] => {
    const status = new Map(stepsRef.current.map((step) => [step.environment, step.status]));
    return stepsRef.current.flatMap((step) =>
      step.dependsOn.map((upstream): Edge => {
        const color = statusLook(status.get(upstream) ?? 'Pending').color;
        return {
          id: `${upstream}->${step.environment}`,
          source: upstream,
          target: step.environment,
          ariaLabel: `${upstream} → ${step.environment}`,
          animated: status.get(step.environment) === 'Running',
          style: { stroke: `var(--mantine-color-${color}-6)`, strokeWidth: 2 },
        };
      }),
    );
  }, [key, edgeStatus]);

  return (
    <div style={{ height, border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }} aria-label="Release graph" role="figure">
      <ReactFlow
        nodes={measured.nodes}
        onNodesChange={measured.onNodesChange}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.1}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        // Nodes that can be neither dragged nor selected get no pointer events unless clicks are
        // handled; their log buttons and links need them.
        onNodeClick={ignoreClick}
        onlyRenderVisibleElements={steps.length > 30}
      >
        <FitOnLayout layoutKey={key} />
        <Background gap={16} />
        <Controls showInteractive={false} />
        {steps.length > 12 ? <MiniMap pannable zoomable nodeColor={(node) => `var(--mantine-color-${statusLook((node as StepFlowNode).data.step.status).color}-5)`} /> : null}
      </ReactFlow>
    </div>
  );
}
