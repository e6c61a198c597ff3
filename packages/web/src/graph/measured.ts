import type { Node, NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useRef } from 'react';

/** A node's size as React Flow measured it in the page. */
export type NodeSize = { width: number; height: number };

/**
 * Remembers the sizes React Flow measures and hands them back on node objects built afresh.
 *
 * React Flow forgets a node's measured size and handle positions when it receives a new object
 * for that node without `measured`; until the node is measured again (a frame later) its edges
 * are not drawn. A graph that rebuilds a node on every live update would make its edges blink.
 * Given the same node object twice, this returns the same copy, so React Flow can still skip
 * nodes that did not change.
 */
export class MeasuredSizes {
  readonly #sizes = new Map<string, NodeSize>();
  readonly #copies = new WeakMap<object, object>();

  /** Records the sizes among React Flow's node changes and forgets removed nodes. */
  record(changes: readonly NodeChange[]): void {
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions !== undefined) this.#sizes.set(change.id, change.dimensions);
      else if (change.type === 'remove') this.#sizes.delete(change.id);
    }
  }

  /** The nodes, each carrying its last measured size when it has one. */
  apply<N extends Node>(nodes: readonly N[]): N[] {
    return nodes.map((node) => {
      const size = this.#sizes.get(node.id);
      if (size === undefined || node.measured !== undefined) return node;
      const copy = this.#copies.get(node) as N | undefined;
      if (copy !== undefined) return copy;
      const made = { ...node, measured: size };
      this.#copies.set(node, made);
      return made;
    });
  }
}

/**
 * For a controlled React Flow whose nodes are rebuilt from data: pass the returned nodes and
 * `onNodesChange` to it, and edges stay drawn while nodes update.
 */
export function useMeasuredNodes<N extends Node>(nodes: readonly N[]): { nodes: N[]; onNodesChange: (changes: NodeChange<N>[]) => void } {
  const sizes = useRef<MeasuredSizes | null>(null);
  sizes.current ??= new MeasuredSizes();
  const measured = sizes.current;
  const onNodesChange = useCallback((changes: NodeChange<N>[]) => measured.record(changes as NodeChange[]), [measured]);
  return { nodes: useMemo(() => measured.apply(nodes), [measured, nodes]), onNodesChange };
}
