import type { Deployment } from '../../api/types';
import { health } from '../../domain/health';
import { useChat } from '../../hooks/useChat';
import { StateMessage } from '../StateMessage';
import { ChatSettingsPanel } from './ChatSettingsPanel';
import { Composer } from './Composer';
import { ConversationList } from './ConversationList';
import { MessageList } from './MessageList';

export function ChatTab({ deployment: d }: { deployment: Deployment }) {
  const chat = useChat(d.namespace, d.name, d.servedModelName);
  const h = health(d);
  const notReady = d.replicas.ready === 0;
  return (
    <div className="chat">
      <ConversationList
        conversations={chat.conversations}
        currentId={chat.current.id}
        disabled={chat.streaming}
        onNew={chat.startConversation}
        onSelect={chat.selectConversation}
        onDelete={chat.deleteConversation}
      />
      <div className="chat-main">
        {notReady && (
          <StateMessage kind="warning" testId="model-not-ready">
            The model is not serving yet ({d.ready} replicas ready{h.detail ? `: ${h.detail}` : ''}). It may still be
            loading; answers fail until a replica is ready.
          </StateMessage>
        )}
        <MessageList messages={chat.current.messages} streaming={chat.streaming} />
        <ChatSettingsPanel settings={chat.current.settings} disabled={chat.streaming} onChange={chat.setSettings} />
        <Composer streaming={chat.streaming} disabled={false} onSend={chat.send} onStop={chat.stop} />
      </div>
    </div>
  );
}
