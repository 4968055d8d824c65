import type { Conversation } from '../../hooks/chatStorage';

interface Props {
  conversations: Conversation[];
  currentId: string;
  disabled: boolean;
  onNew(): void;
  onSelect(id: string): void;
  onDelete(id: string): void;
}

export function ConversationList({ conversations, currentId, disabled, onNew, onSelect, onDelete }: Props) {
  return (
    <aside className="conversations" aria-label="Conversations">
      <button type="button" onClick={onNew} disabled={disabled} data-testid="chat-new">
        + New chat
      </button>
      <ul>
        {conversations.map((c) => (
          <li key={c.id} className={c.id === currentId ? 'active' : ''}>
            <button type="button" className="ghost title" disabled={disabled} onClick={() => onSelect(c.id)}>
              {c.title}
            </button>
            <button type="button" className="ghost" aria-label={`Delete ${c.title}`} disabled={disabled} onClick={() => onDelete(c.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
