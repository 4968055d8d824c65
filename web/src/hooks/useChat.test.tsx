import { act, renderHook, waitFor } from '@testing-library/react';
import { useChat } from './useChat';
import { storageKey } from './chatStorage';
import { controllableBody, jsonResponse, sseResponse, stubFetch } from '../test/streams';

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3 } })}\n\n`;

describe('useChat', () => {
  it('streams the answer token by token and reports usage, TTFT and tokens/s', async () => {
    const body = controllableBody();
    const calls = stubFetch(() => sseResponse(body.stream));
    const { result } = renderHook(() => useChat('ml', 'qwen-05b', 'qwen2.5-0.5b-instruct'));
    let sent!: Promise<void>;
    act(() => {
      sent = result.current.send('Hello?');
    });
    await waitFor(() => expect(result.current.streaming).toBe(true));
    body.push(chunk('Hi'));
    await waitFor(() => expect(result.current.current.messages[1].content).toBe('Hi'));
    body.push(chunk(' there'));
    body.push(chunk('!'));
    body.push(usage);
    body.push('data: [DONE]\n\n');
    body.close();
    await act(() => sent);
    const answer = result.current.current.messages[1];
    expect(answer.content).toBe('Hi there!');
    expect(answer.stats).toMatchObject({ promptTokens: 12, completionTokens: 3 });
    expect(answer.stats!.ttftMs).toBeGreaterThanOrEqual(0);
    expect(result.current.streaming).toBe(false);

    const request = JSON.parse(String(calls[0].init!.body));
    expect(calls[0].url).toBe('/api/deployments/ml/qwen-05b/v1/chat/completions');
    expect(request).toMatchObject({
      model: 'qwen2.5-0.5b-instruct',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello?' },
      ],
    });
  });

  it('sends earlier turns as context and keeps conversations across a reload', async () => {
    let n = 0;
    const calls = stubFetch(() => {
      const body = controllableBody();
      body.push(chunk(`answer ${++n}`));
      body.push('data: [DONE]\n\n');
      body.close();
      return sseResponse(body.stream);
    });
    const { result, unmount } = renderHook(() => useChat('ml', 'qwen-05b', 'm'));
    await act(() => result.current.send('first'));
    await act(() => result.current.send('second'));
    const messages = JSON.parse(String(calls[1].init!.body)).messages.map((m: { content: string }) => m.content);
    expect(messages).toEqual(['You are a helpful assistant.', 'first', 'answer 1', 'second']);
    unmount();
    expect(localStorage.getItem(storageKey('ml', 'qwen-05b'))).toContain('answer 2');
    const again = renderHook(() => useChat('ml', 'qwen-05b', 'm'));
    expect(again.result.current.current.messages.map((m) => m.content)).toEqual(['first', 'answer 1', 'second', 'answer 2']);
    expect(again.result.current.current.title).toBe('first');
  });

  it('stop aborts the request and keeps what had arrived', async () => {
    const body = controllableBody();
    let signal: AbortSignal | undefined;
    stubFetch((_url, init) => {
      signal = init?.signal ?? undefined;
      signal?.addEventListener('abort', () => body.fail(new DOMException('aborted', 'AbortError')));
      return sseResponse(body.stream);
    });
    const { result } = renderHook(() => useChat('ml', 'qwen-05b', 'm'));
    let sent!: Promise<void>;
    act(() => {
      sent = result.current.send('tell me a story');
    });
    body.push(chunk('Once upon'));
    await waitFor(() => expect(result.current.current.messages[1].content).toBe('Once upon'));
    act(() => result.current.stop());
    await act(() => sent);
    expect(signal?.aborted).toBe(true);
    expect(result.current.current.messages[1]).toMatchObject({ content: 'Once upon', stopped: true });
    expect(result.current.streaming).toBe(false);
  });

  it('says the model server is unreachable when the gateway answers 502', async () => {
    stubFetch(() => jsonResponse({ error: { type: 'upstream_unavailable', message: 'connection refused' } }, 502));
    const { result } = renderHook(() => useChat('ml', 'qwen-05b', 'm'));
    await act(() => result.current.send('hi'));
    expect(result.current.current.messages[1].error).toBe('The model server is unreachable: connection refused');
  });
});
