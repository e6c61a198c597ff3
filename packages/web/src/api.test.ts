import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, apiGet, apiPost, apiRequest, clearToken, listEnvironments, readToken, storeToken, tokenStorageKey } from './api.ts';
import { anEnvironment } from './test/builders.ts';
import { authorizationOf, jsonResponse, stubFetch } from './test/fetchStub.ts';

afterEach(() => sessionStorage.clear());

describe('token storage', () => {
  it('keeps the token for the browser session under stagecoach.token and treats an empty value as none', () => {
    expect(readToken()).toBeNull();
    storeToken('s3cret');
    expect(sessionStorage.getItem(tokenStorageKey)).toBe('s3cret');
    expect(localStorage.getItem(tokenStorageKey)).toBeNull();
    expect(tokenStorageKey).toBe('stagecoach.token');
    sessionStorage.setItem(tokenStorageKey, '');
    expect(readToken()).toBeNull();
  });

  it('forgets the token on clear', () => {
    storeToken('s3cret');
    clearToken();
    expect(readToken()).toBeNull();
  });
});

describe('apiGet', () => {
  it('sends the stored token as a bearer token and returns the items of a list', async () => {
    storeToken('s3cret');
    const dev = anEnvironment('dev', 1);
    const fetchMock = stubFetch({ '/api/v1/environments': () => jsonResponse(200, { items: [dev] }) });

    await expect(listEnvironments()).resolves.toEqual([dev]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(authorizationOf(fetchMock.mock.calls[0]?.[1])).toBe('Bearer s3cret');
  });

  it("surfaces the server's code, message and details", async () => {
    storeToken('s3cret');
    const details = [{ path: 'spec.order', message: 'must be a number', rule: 'type' }];
    stubFetch({
      '/api/v1/products': () => jsonResponse(422, { code: 'invalid', message: 'product "x" is invalid', details }),
    });

    const error = await apiGet('/api/v1/products').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'invalid', message: 'product "x" is invalid', details });
  });

  it('marks a 401 answer as unauthorized', async () => {
    storeToken('wrong');
    stubFetch({
      '/api/v1/products': () => jsonResponse(401, { code: 'unauthorized', message: 'token not recognised', details: [] }),
    });

    const error = await apiGet('/api/v1/products').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401, isUnauthorized: true, message: 'token not recognised' });
  });

  it('names the request and status when the error body is not the API shape', async () => {
    storeToken('s3cret');
    stubFetch({ '/api/v1/products': () => new Response('Bad Gateway', { status: 502 }) });

    await expect(apiGet('/api/v1/products')).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: 'GET /api/v1/products answered HTTP 502',
    });
  });

  it('fails as unauthorized without calling the server when there is no token', async () => {
    const fetchMock = stubFetch({});
    await expect(apiGet('/api/v1/products')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reports an unreachable server with status 0', async () => {
    storeToken('s3cret');
    stubFetch({
      '/api/v1/products': () => {
        throw new TypeError('Failed to fetch');
      },
    });

    await expect(apiGet('/api/v1/products')).rejects.toMatchObject({
      status: 0,
      code: 'unreachable',
      message: 'cannot reach the Stagecoach server: Failed to fetch',
    });
  });
});

describe('apiPost and text answers', () => {
  it('sends the body as JSON with the bearer token and returns the answer', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({ '/api/v1/releases/r1/retry': () => jsonResponse(200, { id: 'r1', status: 'Queued' }) });

    await expect(apiPost('/api/v1/releases/r1/retry', { reason: 'again' })).resolves.toEqual({ id: 'r1', status: 'Queued' });
    const init = fetchMock.mock.calls[0]?.[1];
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"reason":"again"}');
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
    expect(authorizationOf(init)).toBe('Bearer s3cret');
  });

  it('names the method of a failed POST', async () => {
    storeToken('s3cret');
    stubFetch({ '/api/v1/releases/r1/terminate': () => new Response('', { status: 500 }) });

    await expect(apiPost('/api/v1/releases/r1/terminate')).rejects.toMatchObject({
      status: 500,
      message: 'POST /api/v1/releases/r1/terminate answered HTTP 500',
    });
  });

  it('returns plain text when asked to', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({ '/api/v1/workflow-runs/w1/logs': () => new Response('line 1\nline 2\n', { status: 200 }) });

    await expect(apiRequest('/api/v1/workflow-runs/w1/logs', { expect: 'text' })).resolves.toBe('line 1\nline 2\n');
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get('Accept')).toBe('text/plain');
  });
});
