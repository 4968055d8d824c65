import type { ChatSettings } from '../../hooks/chatStorage';

interface Props {
  settings: ChatSettings;
  disabled: boolean;
  onChange(settings: ChatSettings): void;
}

function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  disabled: boolean;
  onChange(v: number): void;
}) {
  const id = `setting-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <label htmlFor={id}>
      {props.label}
      <input
        id={id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v)) props.onChange(Math.min(props.max, Math.max(props.min, v)));
        }}
      />
    </label>
  );
}

export function ChatSettingsPanel({ settings, disabled, onChange }: Props) {
  const set = (patch: Partial<ChatSettings>) => onChange({ ...settings, ...patch });
  return (
    <details className="chat-settings">
      <summary>System prompt and sampling</summary>
      <label htmlFor="setting-system">
        System prompt
        <textarea
          id="setting-system"
          rows={3}
          value={settings.system}
          disabled={disabled}
          onChange={(e) => set({ system: e.target.value })}
        />
      </label>
      <div className="row">
        <NumberField label="Temperature" value={settings.temperature} min={0} max={2} step={0.1} disabled={disabled} onChange={(temperature) => set({ temperature })} />
        <NumberField label="Top p" value={settings.topP} min={0} max={1} step={0.05} disabled={disabled} onChange={(topP) => set({ topP })} />
        <NumberField label="Max tokens" value={settings.maxTokens} min={1} max={32768} step={1} disabled={disabled} onChange={(maxTokens) => set({ maxTokens })} />
      </div>
    </details>
  );
}
