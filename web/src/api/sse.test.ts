import { readSse, type SseEvent } from './sse';
import { controllableBody } from '../test/streams';

async function collect(chunks: string[]): Promise<SseEvent[]> {
  const body = controllableBody();
  chunks.forEach(body.push);
  body.close();
  const out: SseEvent[] = [];
  for await (const ev of readSse(body.stream)) out.push(ev);
  return out;
}

describe('readSse', () => {
  it('joins events split across chunks at any byte', async () => {
    const events = await collect(['event: deploy', 'ments\ndata: {"a"', ':1}\n', '\n', 'data: x\n\n']);
    expect(events).toEqual([
      { event: 'deployments', data: '{"a":1}' },
      { event: 'message', data: 'x' },
    ]);
  });

  it('skips comment pings, joins multi-line data and accepts CRLF split between chunks', async () => {
    const events = await collect([': ping\n\n', 'data: one\r', '\ndata: two\r\n\r\n']);
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('delivers a last event that the server did not terminate with a blank line', async () => {
    expect(await collect(['data: [DONE]'])).toEqual([{ event: 'message', data: '[DONE]' }]);
  });
});
