import type { ChatMessage } from '../../hooks/chatStorage';
import { fmt } from '../../domain/format';
import { Markdown } from './Markdown';

function Stats({ m }: { m: ChatMessage }) {
  const s = m.stats;
  if (!s) return null;
  return (
    <div className="answer-stats" data-testid="answer-stats">
      <span>TTFT {s.ttftMs == null ? '—' : `${fmt(s.ttftMs, 0)} ms`}</span>
      <span>{s.tokensPerSecond == null ? '— tokens/s' : `${fmt(s.tokensPerSecond, 1)} tokens/s`}</span>
      <span>
        {s.promptTokens ?? '—'} prompt + {s.completionTokens ?? '—'} completion tokens
      </span>
    </div>
  );
}

export function MessageView({ message: m, streaming }: { message: ChatMessage; streaming: boolean }) {
  return (
    <article className={`message message-${m.role}`} data-testid={`message-${m.role}`} aria-busy={streaming}>
      <div className="message-role">{m.role === 'user' ? 'You' : 'Model'}</div>
      <div className="message-body">
        {m.role === 'user' ? <p className="plain">{m.content}</p> : <Markdown text={m.content} />}
        {streaming && !m.content && <span className="typing" aria-label="waiting for the first token" />}
        {m.stopped && <div className="muted">Stopped.</div>}
        {m.error && (
          <div className="error" role="alert" data-testid="chat-error">
            {m.error}
          </div>
        )}
        <Stats m={m} />
      </div>
    </article>
  );
}
