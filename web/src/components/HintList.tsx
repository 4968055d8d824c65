import type { Hint } from '../domain/hints';

/** Tuning hints, each with what the console saw (and the number) and what usually helps. */
export function HintList({ hints }: { hints: Hint[] }) {
  if (hints.length === 0) return null;
  return (
    <ul className="hints" aria-label="Tuning hints" data-testid="hints">
      {hints.map((h) => (
        <li key={h.id} className="hint" data-testid="hint" data-hint={h.id}>
          <strong>{h.saw}</strong> — {h.advice}
        </li>
      ))}
    </ul>
  );
}
