// Conversations per deployment, kept in localStorage so they survive a reload.

export interface AnswerStats {
  /** Send → first streamed token, as the browser saw it. */
  ttftMs: number | null;
  /** Tokens after the first / time after the first token. */
  tokensPerSecond: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  totalMs: number;
}

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  stats?: AnswerStats;
  error?: string;
  stopped?: boolean;
}

export interface ChatSettings {
  system: string;
  temperature: number;
  topP: number;
  maxTokens: number;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  messages: ChatMessage[];
  settings: ChatSettings;
}

export interface ChatStore {
  conversations: Conversation[];
  currentId: string;
}

export const DEFAULT_SETTINGS: ChatSettings = {
  system: 'You are a helpful assistant.',
  temperature: 0.7,
  topP: 0.95,
  maxTokens: 512,
};

export const storageKey = (namespace: string, name: string) => `qwenops.chat.v1.${namespace}/${name}`;

export const newId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

export function newConversation(settings: ChatSettings = DEFAULT_SETTINGS): Conversation {
  return { id: newId(), title: 'New chat', createdAt: Date.now(), messages: [], settings };
}

export function loadStore(key: string): ChatStore {
  try {
    const raw = localStorage.getItem(key);
    if (raw) {
      const store = JSON.parse(raw) as ChatStore;
      if (store.conversations?.length) return store;
    }
  } catch {
    // unreadable: start afresh
  }
  const first = newConversation();
  return { conversations: [first], currentId: first.id };
}

export function saveStore(key: string, store: ChatStore): void {
  try {
    localStorage.setItem(key, JSON.stringify(store));
  } catch {
    // quota full: the conversation still lives in memory
  }
}
