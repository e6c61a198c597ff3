import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { aRelease, aStepPlan } from '../releases/builders.ts';
import { PullRequestLink } from '../releases/StepNode.tsx';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { renderRoutes } from '../workflows/testing.tsx';
import type { PullRequest, PullRequestFiles } from '@stagecoach/core';
import { PullRequestPage } from './PullRequestPage.tsx';
import { PullRequestsPage } from './PullRequestsPage.tsx';

const head = 'stagecoach/01release/qa/cf-101-qa';

function aPullRequest(fields: Partial<PullRequest> = {}): PullRequest {
  const id = fields.id ?? '01pr';
  return {
    id,
    repoURL: '/srv/git/cf-101.git',
    base: 'main',
    head,
    title: 'Promote cf-101 to qa: cf-101-qa',
    body: 'Release 01release promotes cf-101 to qa.\n\nMerge to continue the promotion; close to fail it.',
    state: 'open',
    createdAt: '2026-11-26T15:00:00Z',
    updatedAt: '2026-11-26T15:00:00Z',
    url: `http://127.0.0.1:8080/pull-requests/${id}`,
    ...fields,
  };
}

const files: PullRequestFiles = {
  from: '1111111111111111111111111111111111111111',
  to: '2222222222222222222222222222222222222222',
  files: [
    { path: 'envs/qa/logo.png', status: 'added', before: null, after: null, binary: true },
    { path: 'envs/qa/old.yaml', status: 'deleted', before: 'gone: true\n', after: null },
    { path: 'envs/qa/values.yaml', status: 'modified', before: 'image:\n  tag: "1.9.0"\nreplicas: 3\na: 1\nb: 2\nc: 3\n', after: 'image:\n  tag: "2.0.0"\nreplicas: 3\na: 1\nb: 2\nc: 3\n' },
  ],
};
const filesRoute = { '/api/v1/pull-requests/01pr/files': () => jsonResponse(200, files) };

const release = aRelease([aStepPlan('dev', []), aStepPlan('qa', ['dev'])], [{ environment: 'qa', status: 'Suspended' }], [], { status: 'Running' });
const merged = aPullRequest({ state: 'merged', mergeCommit: '9f1c0de2a7b34c5d6e7f8091a2b3c4d5e6f70819', updatedAt: '2026-11-26T15:05:00Z' });

const pages = { '/pull-requests': PullRequestsPage, '/pull-requests/$id': PullRequestPage, '/releases/$id': () => <p>a release</p> };
const location = () => screen.getByLabelText('location').textContent;
const posts = (fetchMock: ReturnType<typeof stubFetch>) =>
  fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST').map(([url]) => String(url));

beforeEach(() => storeToken('s3cret'));

describe('PullRequestsPage', () => {
  it('lists pull requests linking to their pages, and filters by state in the address', async () => {
    const fetchMock = stubFetch({
      '/api/v1/pull-requests': () => jsonResponse(200, { items: [aPullRequest(), aPullRequest({ id: '01old', title: 'Promote cf-101 to staging: cf-101-staging', state: 'closed' })] }),
    });
    await renderRoutes(pages, '/pull-requests');

    const table = await screen.findByRole('table', { name: 'Pull requests' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-pull-request'))).toEqual(['01pr', '01old']);
    expect(within(rows[0]!).getByRole('link', { name: 'Promote cf-101 to qa: cf-101-qa' }).getAttribute('href')).toBe('/pull-requests/01pr');
    expect(within(rows[0]!).getByTitle('/srv/git/cf-101.git').textContent).toBe('cf-101');
    expect(rows[0]!.textContent).toContain(`main ← ${head}`);
    expect(within(rows[1]!).getByText('closed')).toBeTruthy();

    fireEvent.click(screen.getByRole('radio', { name: 'Open' }));
    await waitFor(() => expect(location()).toBe('/pull-requests?state=open'));
    await waitFor(() => expect(fetchMock.mock.calls.map(([url]) => String(url))).toContain('/api/v1/pull-requests?state=open'));

    const openRow = (await screen.findByRole('table', { name: 'Pull requests' })).querySelector('tr[data-pull-request="01pr"] td:nth-child(4)')!;
    fireEvent.click(openRow);
    await waitFor(() => expect(location()).toBe('/pull-requests/01pr'));
  });

  it('explains when pull requests appear when there is none', async () => {
    stubFetch({ '/api/v1/pull-requests': () => jsonResponse(200, { items: [] }) });
    await renderRoutes(pages, '/pull-requests?state=merged');

    expect(await screen.findByText('No merged pull request.')).toBeTruthy();
    expect(screen.getByText(/a repository that no Git provider covers/)).toBeTruthy();
    expect((screen.getByRole('radio', { name: 'Merged' }) as HTMLInputElement).checked).toBe(true);
  });
});

describe('PullRequestPage', () => {
  it('shows the pull request with its release, and merges it for a member', async () => {
    const fetchMock = stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, aPullRequest()),
      ...filesRoute,
      '/api/v1/pull-requests/01pr/merge': () => jsonResponse(200, merged),
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    await renderRoutes(pages, '/pull-requests/01pr', 'member');

    expect(await screen.findByRole('heading', { name: 'Promote cf-101 to qa: cf-101-qa' })).toBeTruthy();
    expect(screen.getByText('open')).toBeTruthy();
    const details = screen.getByRole('table', { name: 'Pull request details' });
    expect(within(details).getByText('/srv/git/cf-101.git')).toBeTruthy();
    const releaseLink = await within(details).findByRole('link', { name: 'cf-101 #4' });
    expect(releaseLink.getAttribute('href')).toBe('/releases/01release');
    expect(within(details).getByText('qa')).toBeTruthy();
    expect(within(details).getByText('cf-101-qa')).toBeTruthy();
    expect(screen.getByLabelText('Description').textContent).toBe(aPullRequest().body);

    fireEvent.click(screen.getByRole('button', { name: 'Merge' }));
    await screen.findByText('merged');
    expect(posts(fetchMock)).toEqual(['/api/v1/pull-requests/01pr/merge']);
    expect(screen.getByText(merged.mergeCommit!)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Merge' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Close' })).toBeNull();
  });

  it("shows the server's reason when a merge is refused", async () => {
    stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, aPullRequest()),
      ...filesRoute,
      '/api/v1/pull-requests/01pr/merge': () =>
        jsonResponse(409, {
          code: 'conflict',
          message: 'pull request "01pr" cannot be merged: envs/qa/values.yaml changed on both sides; close it and promote again',
          details: [],
        }),
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    await renderRoutes(pages, '/pull-requests/01pr', 'member');

    fireEvent.click(await screen.findByRole('button', { name: 'Merge' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Not merged')).toBeTruthy();
    expect(alert.textContent).toContain('envs/qa/values.yaml changed on both sides; close it and promote again');
    expect(screen.getByText('open')).toBeTruthy();
  });

  it('disables Merge and Close for a viewer, with the reason', async () => {
    const fetchMock = stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, aPullRequest()),
      ...filesRoute,
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    await renderRoutes(pages, '/pull-requests/01pr', 'viewer');

    const merge = (await screen.findByRole('button', { name: 'Merge' })) as HTMLButtonElement;
    const close = screen.getByRole('button', { name: 'Close' }) as HTMLButtonElement;
    expect(merge.disabled).toBe(true);
    expect(close.disabled).toBe(true);
    expect(screen.getByText('Your role "viewer" may not merge pull requests')).toBeTruthy();
    expect(screen.getByText('Your role "viewer" may not close pull requests')).toBeTruthy();
    fireEvent.click(merge);
    expect(posts(fetchMock)).toEqual([]);
  });

  it('asks before closing, and closes on confirmation', async () => {
    const fetchMock = stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, aPullRequest()),
      ...filesRoute,
      '/api/v1/pull-requests/01pr/close': () => jsonResponse(200, aPullRequest({ state: 'closed', updatedAt: '2026-11-26T15:06:00Z' })),
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    await renderRoutes(pages, '/pull-requests/01pr', 'admin');

    fireEvent.click(await screen.findByRole('button', { name: 'Close' }));
    let dialog = await screen.findByRole('dialog', { name: 'Close this pull request?' });
    expect(dialog.textContent).toContain("the release's step for qa fails");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it open' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(posts(fetchMock)).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    dialog = await screen.findByRole('dialog', { name: 'Close this pull request?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close pull request' }));
    await screen.findByText('closed');
    expect(posts(fetchMock)).toEqual(['/api/v1/pull-requests/01pr/close']);
  });

  it('shows the files it changes, each with its status and diff, compact or whole', async () => {
    stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, aPullRequest()),
      ...filesRoute,
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    await renderRoutes(pages, '/pull-requests/01pr', 'viewer');

    const section = await screen.findByRole('region', { name: 'Files changed' });
    const values = await within(section).findByRole('figure', { name: 'diff of envs/qa/values.yaml' });
    expect(section.textContent).toContain('Files changed (3)');
    expect(within(values).getByText('modified')).toBeTruthy();
    expect(values.textContent).toContain('tag: "1.9.0"');
    expect(values.textContent).toContain('tag: "2.0.0"');
    expect(values.querySelectorAll('.diff-code-delete').length).toBe(1);
    expect(values.querySelectorAll('.diff-code-insert').length).toBe(1);
    const deleted = within(section).getByRole('figure', { name: 'diff of envs/qa/old.yaml' });
    expect(within(deleted).getByText('deleted')).toBeTruthy();
    expect(deleted.querySelectorAll('.diff-code-delete').length).toBe(1);
    const binary = within(section).getByRole('figure', { name: 'diff of envs/qa/logo.png' });
    expect(within(binary).getByText('added')).toBeTruthy();
    expect(binary.textContent).toContain('Binary file; not shown');

    // Compact: 3 lines of context; the whole file shows the last line too.
    expect(values.textContent).toContain('b: 2');
    expect(values.textContent).not.toContain('c: 3');
    fireEvent.click(within(section).getByRole('switch', { name: 'Compact diff' }));
    await waitFor(() => expect(within(section).getByRole('figure', { name: 'diff of envs/qa/values.yaml' }).textContent).toContain('c: 3'));
  });

  it("says why a closed pull request's files cannot be shown", async () => {
    const closed = aPullRequest({ state: 'closed', updatedAt: '2026-11-26T15:06:00Z' });
    stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, closed),
      '/api/v1/pull-requests/01pr/files': () => jsonResponse(409, { code: 'conflict', message: 'pull request 01pr is closed; its branch is gone', details: [] }),
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    await renderRoutes(pages, '/pull-requests/01pr', 'member');

    const section = await screen.findByRole('region', { name: 'Files changed' });
    const status = await within(section).findByRole('status');
    expect(status.textContent).toBe('pull request 01pr is closed; its branch is gone');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says so for an unknown id', async () => {
    stubFetch({});
    await renderRoutes(pages, '/pull-requests/nope', 'member');
    expect(await screen.findByText('No pull request nope')).toBeTruthy();
  });
});

describe("a release step's pull request link", () => {
  it('opens a local pull request inside the app, and one on GitHub in a new tab', async () => {
    stubFetch({
      '/api/v1/pull-requests/01pr': () => jsonResponse(200, aPullRequest()),
      '/api/v1/releases/01release': () => jsonResponse(200, release),
    });
    const links = () => (
      <p>
        <PullRequestLink url={`${window.location.origin}/pull-requests/01pr`} />
        <PullRequestLink url="https://github.com/acme/cf-101/pull/12" />
      </p>
    );
    await renderRoutes({ ...pages, '/releases/$id': links }, '/releases/01release', 'member');

    const shown = await screen.findAllByRole('link', { name: 'PR' });
    expect(shown.map((link) => [link.getAttribute('href'), link.getAttribute('target')])).toEqual([
      ['/pull-requests/01pr', null],
      ['https://github.com/acme/cf-101/pull/12', '_blank'],
    ]);
    fireEvent.click(shown[0]!);
    expect(await screen.findByRole('heading', { name: 'Promote cf-101 to qa: cf-101-qa' })).toBeTruthy();
    expect(location()).toBe('/pull-requests/01pr');
  });
});
