import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { authHeaders, deploymentPath } from '../api/client';
import {
  loadStore,
  newConversation,
  newId,
  saveStore,
  storageKey,
  type AnswerStats,
  type ChatMessage,
  type ChatSettings,
  type ChatStore,
  type Conversation,
} from './chatStorage';
import { chatErrorMessage, readChatStream } from './chatStream';

export interface ChatState {
  conversations: Conversation[];
  current: Conversation;
  streaming: boolean;
  send(text: string): Promise<void>;
  stop(): void;
  setSettings(settings: ChatSettings): void;
  startConversation(): void;
  selectConversation(id: string): void;
  deleteConversation(id: string): void;
}

/** Multi-turn chat with one deployment through the gateway's proxy, streamed token by token. */
export function useChat(namespace: string, name: string, model: string): ChatState {
  const key = storageKey(namespace, name);
  const [store, setStore] = useState<ChatStore>(() => loadStore(key));
  const [streaming, setStreaming] = useState(false);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => {
    setStore(loadStore(key));
  }, [key]);
  useEffect(() => {
    if (!streaming) saveStore(key, store);
  }, [key, store, streaming]);
  useEffect(() => () => abortRef.current?.abort(), []);

  const current = store.conversations.find((c) => c.id === store.currentId) ?? store.conversations[0];

  const updateCurrent = useCallback((id: string, f: (c: Conversation) => Conversation) => {
    setStore((s) => ({ ...s, conversations: s.conversations.map((c) => (c.id === id ? f(c) : c)) }));
  }, []);

  const send = useCallback(
    async (text: string) => {
      const content = text.trim();
      if (!content || abortRef.current) return;
      const conversationId = current.id;
      const { settings } = current;
      const user: ChatMessage = { id: newId(), role: 'user', content };
      const answerId = newId();
      const history = [...current.messages.filter((m) => !m.error), user];
      updateCurrent(conversationId, (c) => ({
        ...c,
        title: c.messages.length === 0 ? content.slice(0, 48) : c.title,
        messages: [...c.messages, user, { id: answerId, role: 'assistant', content: '' }],
      }));
      const patchAnswer = (f: (m: ChatMessage) => ChatMessage) =>
        updateCurrent(conversationId, (c) => ({
          ...c,
          messages: c.messages.map((m) => (m.id === answerId ? f(m) : m)),
        }));

      const abort = new AbortController();
      abortRef.current = abort;
      setStreaming(true);
      const started = performance.now();
      let firstAt: number | null = null;
      let usage: { prompt_tokens?: number; completion_tokens?: number } = {};
      const stats = (): AnswerStats => {
        const end = performance.now();
        const n = usage.completion_tokens ?? null;
        const decodeSeconds = firstAt == null ? 0 : (end - firstAt) / 1000;
        return {
          ttftMs: firstAt == null ? null : firstAt - started,
          tokensPerSecond: n != null && n > 1 && decodeSeconds > 0 ? (n - 1) / decodeSeconds : null,
          promptTokens: usage.prompt_tokens ?? null,
          completionTokens: n,
          totalMs: end - started,
        };
      };
      try {
        const messages = [
          ...(settings.system.trim() ? [{ role: 'system', content: settings.system }] : []),
          ...history.map((m) => ({ role: m.role, content: m.content })),
        ];
        const res = await fetch(`${deploymentPath(namespace, name)}/v1/chat/completions`, {
          method: 'POST',
          signal: abort.signal,
          headers: authHeaders({ 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
          body: JSON.stringify({
            model,
            messages,
            stream: true,
            stream_options: { include_usage: true },
            temperature: settings.temperature,
            top_p: settings.topP,
            max_tokens: settings.maxTokens,
          }),
        });
        if (!res.ok || !res.body) {
          const error = res.ok ? 'The model server sent no stream.' : await chatErrorMessage(res);
          patchAnswer((m) => ({ ...m, error }));
          return;
        }
        await readChatStream(res.body, {
          onDelta: (delta) => {
            firstAt ??= performance.now();
            patchAnswer((m) => ({ ...m, content: m.content + delta }));
          },
          onUsage: (u) => (usage = u),
        });
        patchAnswer((m) => ({ ...m, stats: stats() }));
      } catch (e) {
        if (abort.signal.aborted) patchAnswer((m) => ({ ...m, stopped: true, stats: stats() }));
        else patchAnswer((m) => ({ ...m, error: `The stream broke off: ${(e as Error).message}` }));
      } finally {
        abortRef.current = null;
        setStreaming(false);
      }
    },
    [current, namespace, name, model, updateCurrent],
  );

  const stop = useCallback(() => abortRef.current?.abort(), []);

  const setSettings = useCallback(
    (settings: ChatSettings) => updateCurrent(current.id, (c) => ({ ...c, settings })),
    [current.id, updateCurrent],
  );

  const startConversation = useCallback(() => {
    setStore((s) => {
      const c = newConversation(s.conversations.find((x) => x.id === s.currentId)?.settings);
      return { conversations: [c, ...s.conversations], currentId: c.id };
    });
  }, []);

  const selectConversation = useCallback((id: string) => setStore((s) => ({ ...s, currentId: id })), []);

  const deleteConversation = useCallback((id: string) => {
    setStore((s) => {
      const rest = s.conversations.filter((c) => c.id !== id);
      const conversations = rest.length ? rest : [newConversation()];
      const currentId = conversations.some((c) => c.id === s.currentId) ? s.currentId : conversations[0].id;
      return { conversations, currentId };
    });
  }, []);

  return useMemo(
    () => ({
      conversations: store.conversations,
      current,
      streaming,
      send,
      stop,
      setSettings,
      startConversation,
      selectConversation,
      deleteConversation,
    }),
    [store.conversations, current, streaming, send, stop, setSettings, startConversation, selectConversation, deleteConversation],
  );
}
