import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSse, SseParser, type SseMessage } from './sse.ts';

const message = (data: string, event = 'message', id = ''): SseMessage => ({ event, data, id });

/** Input text → messages, per the HTML standard's event-stream rules. */
const cases: { name: string; input: string; messages: SseMessage[]; lastEventId?: string; comments?: string[]; retryMs?: number }[] = [
  { name: 'one event as Stagecoach writes it', input: 'id: 7\nevent: release\ndata: {"id":"7"}\n\n', messages: [message('{"id":"7"}', 'release', '7')], lastEventId: '7' },
  { name: 'several data lines join with a line feed', input: 'data: a\ndata:b\ndata\n\n', messages: [message('a\nb\n')] },
  { name: 'CRLF and CR end lines too', input: 'event: x\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n', messages: [message('1', 'x'), message('2'), message('3')] },
  { name: 'comments are no messages', input: ': connected\n\n: keep-alive\n\ndata: z\n\n', messages: [message('z')], comments: ['connected', 'keep-alive'] },
  { name: 'no data: nothing dispatched, but the id carries over', input: 'id: 4\n\ndata: after\n\n', messages: [message('after', 'message', '4')], lastEventId: '4' },
  { name: 'the event type resets after each message', input: 'event: step\ndata: 1\n\ndata: 2\n\n', messages: [message('1', 'step'), message('2')] },
  { name: 'only one space after the colon is dropped', input: 'data:  two spaces\n\n', messages: [message(' two spaces')] },
  { name: 'an unfinished message at the end is not dispatched', input: 'data: done\n\ndata: half', messages: [message('done')] },
  { name: 'unknown fields and an id with NUL are ignored', input: 'foo: bar\nid: 1\u00002\ndata: d\n\n', messages: [message('d')], lastEventId: '' },
  { name: 'retry sets the reconnection time; a bad one is ignored', input: 'retry: 2500\nretry: soon\n\n', messages: [], retryMs: 2500 },
  { name: 'a leading byte-order mark is skipped', input: '\uFEFFdata: bom\n\n', messages: [message('bom')] },
];

describe('SseParser', () => {
  for (const c of cases) {
    test(c.name, () => {
      // Whole, then split at every position: chunk boundaries never change the result.
      for (let cut = 0; cut <= c.input.length; cut++) {
        const comments: string[] = [];
        const parser = new SseParser((text) => comments.push(text));
        const got = [...parser.push(c.input.slice(0, cut)), ...parser.push(c.input.slice(cut))];
        assert.deepEqual(got, c.messages, `cut at ${cut}`);
        assert.equal(parser.lastEventId, c.lastEventId ?? c.messages.at(-1)?.id ?? '');
        assert.deepEqual(comments, c.comments ?? []);
        assert.equal(parser.retryMs, c.retryMs);
      }
    });
  }

  test('a CR at the end of one chunk and an LF at the start of the next are one line end', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: a\r'), []);
    assert.deepEqual(parser.push('\n'), []);
    assert.deepEqual(parser.push(''), []);
    assert.deepEqual(parser.push('\n'), [message('a')], 'the second LF is the blank line');
  });
});

describe('readSse', () => {
  test('yields messages from a byte stream, even with a character split across chunks', async () => {
    const bytes = new TextEncoder().encode('id: 1\nevent: version\ndata: {"v":"ü"}\n\n: keep-alive\n\nid: 2\ndata: x\n\n');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of "ü"
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    const parser = new SseParser();
    const got: SseMessage[] = [];
    for await (const m of readSse(body, parser)) got.push(m);
    assert.deepEqual(got, [message('{"v":"ü"}', 'version', '1'), message('x', 'message', '2')]);
    assert.equal(parser.lastEventId, '2');
  });

  test('stopping early cancels the body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: again\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const m of readSse(body)) {
      assert.equal(m.data, 'again');
      break;
    }
    assert.ok(cancelled);
  });
});
