import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../test/render.tsx';
import { nodeLines } from './FlowChart.tsx';
import type { FlowSpec } from './model.ts';
import { StepPanel } from './StepPanel.tsx';

const spec: FlowSpec = { triggerEnvironment: 'dev', steps: [{ environment: 'qa', policy: { postAction: null } }] };

function renderPanel(onChange: (spec: FlowSpec) => void) {
  renderWithProviders(
    <StepPanel
      spec={spec}
      environment="qa"
      allEnvironments={['dev', 'qa']}
      workflows={['notify', 'smoke-tests']}
      problems={[]}
      readOnly={false}
      onChange={onChange}
      onRemoved={() => {}}
    />,
  );
}

describe('StepPanel: pre- and post-action slots', () => {
  it('offers "None" beside the workflows; choosing it stores null, which the chart shows as none', async () => {
    const onChange = vi.fn<(spec: FlowSpec) => void>();
    renderPanel(onChange);
    const pre = screen.getByRole('combobox', { name: 'Pre-action workflow' }) as HTMLInputElement;
    expect(pre.value).toBe('');
    expect(pre.placeholder).toBe('From policies');

    fireEvent.click(pre);
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['None (even where a policy sets one)', 'notify', 'smoke-tests']);
    fireEvent.click(screen.getByRole('option', { name: 'None (even where a policy sets one)' }));

    expect(onChange).toHaveBeenCalledOnce();
    const next = onChange.mock.calls[0]![0];
    expect(next.steps[0]).toEqual({ environment: 'qa', policy: { postAction: null, preAction: null } });
    expect(nodeLines(next, 'qa')).toEqual(['pre: none', 'action: from policies', 'post: none']);
  });

  it('shows a stored null as "None", and clearing it leaves the slot to the policies', () => {
    const onChange = vi.fn<(spec: FlowSpec) => void>();
    renderPanel(onChange);
    const post = screen.getByRole('combobox', { name: 'Post-action workflow' }) as HTMLInputElement;
    expect(post.value).toBe('None (even where a policy sets one)');

    fireEvent.click(screen.getByRole('button', { name: 'Leave the post-action workflow to the policies' }));
    expect(onChange.mock.calls.at(-1)![0].steps[0]).toEqual({ environment: 'qa' });
  });
});
