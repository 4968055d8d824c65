import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChatTab } from './ChatTab';
import { deployment } from '../../test/fixtures';
import { controllableBody, sseResponse, stubFetch } from '../../test/streams';

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe('ChatTab', () => {
  it('shows the answer as it streams, then its stats; Stop shows while streaming', async () => {
    const body = controllableBody();
    stubFetch(() => sseResponse(body.stream));
    render(<ChatTab deployment={deployment()} />);
    await userEvent.type(screen.getByTestId('chat-input'), 'Write code{Enter}');
    expect(screen.getByTestId('message-user')).toHaveTextContent('Write code');
    expect(await screen.findByTestId('chat-stop')).toBeInTheDocument();
    body.push(chunk('Here:\n\n```python\nprint("hi")\n```'));
    await waitFor(() => expect(screen.getByTestId('message-assistant').querySelector('pre code')).toHaveTextContent('print("hi")'));
    body.push(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 20, completion_tokens: 9 } })}\n\n`);
    body.push('data: [DONE]\n\n');
    body.close();
    expect(await screen.findByTestId('answer-stats')).toHaveTextContent('20 prompt + 9 completion tokens');
    expect(screen.getByTestId('chat-send')).toBeInTheDocument();
  });

  it('stop keeps the partial answer and marks it stopped', async () => {
    const body = controllableBody();
    stubFetch((_u, init) => {
      init?.signal?.addEventListener('abort', () => body.fail(new DOMException('aborted', 'AbortError')));
      return sseResponse(body.stream);
    });
    render(<ChatTab deployment={deployment()} />);
    await userEvent.type(screen.getByTestId('chat-input'), 'Long story{Enter}');
    body.push(chunk('Once'));
    await screen.findByText('Once');
    await userEvent.click(screen.getByTestId('chat-stop'));
    expect(await screen.findByText('Stopped.')).toBeInTheDocument();
    expect(screen.getByTestId('message-assistant')).toHaveTextContent('Once');
  });

  it('renders model Markdown without running any HTML in it', async () => {
    const body = controllableBody();
    stubFetch(() => sseResponse(body.stream));
    render(<ChatTab deployment={deployment()} />);
    await userEvent.type(screen.getByTestId('chat-input'), 'x{Enter}');
    body.push(chunk('**bold** <img src=x onerror="alert(1)"><script>alert(2)</script>'));
    body.push('data: [DONE]\n\n');
    body.close();
    const answer = await screen.findByTestId('message-assistant');
    await waitFor(() => expect(answer.querySelector('strong')).toHaveTextContent('bold'));
    expect(answer.querySelector('script')).toBeNull();
    expect(answer.querySelector('img')?.getAttribute('onerror')).toBeNull();
  });

  it('says the model is not serving yet while no replica is ready', () => {
    render(
      <ChatTab
        deployment={deployment({
          replicas: { desired: 1, ready: 0 },
          ready: '0/1',
          conditions: [{ type: 'Ready', status: 'False', reason: 'Loading', message: 'loading weights' }],
        })}
      />,
    );
    expect(screen.getByTestId('model-not-ready')).toHaveTextContent('The model is not serving yet (0/1 replicas ready: Loading: loading weights)');
  });
});
