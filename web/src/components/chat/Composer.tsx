import { useState, type FormEvent, type KeyboardEvent } from 'react';

interface Props {
  streaming: boolean;
  disabled: boolean;
  onSend(text: string): void;
  onStop(): void;
}

/** Enter sends, Shift+Enter is a new line; while an answer streams the button stops it. */
export function Composer({ streaming, disabled, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (streaming || !text.trim()) return;
    onSend(text);
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) submit(e);
  };
  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        data-testid="chat-input"
        placeholder="Message the model"
        rows={2}
        value={text}
        disabled={disabled}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
      />
      {streaming ? (
        <button type="button" onClick={onStop} data-testid="chat-stop">
          Stop
        </button>
      ) : (
        <button type="submit" disabled={disabled || !text.trim()} data-testid="chat-send">
          Send
        </button>
      )}
    </form>
  );
}
