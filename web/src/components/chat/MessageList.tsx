import { useEffect, useRef } from 'react';
import type { ChatMessage } from '../../hooks/chatStorage';
import { MessageView } from './MessageView';

export function MessageList({ messages, streaming }: { messages: ChatMessage[]; streaming: boolean }) {
  const end = useRef<HTMLDivElement>(null);
  const last = messages[messages.length - 1];
  useEffect(() => {
    // braces: Chromium's scrollIntoView returns a promise, and an effect may return only a clean-up function
    void end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, last?.content]);
  if (messages.length === 0) return <div className="chat-empty muted">Ask the model something.</div>;
  return (
    <div className="messages" data-testid="messages" aria-live="polite">
      {messages.map((m) => (
        <MessageView key={m.id} message={m} streaming={streaming && m === last} />
      ))}
      <div ref={end} />
    </div>
  );
}
