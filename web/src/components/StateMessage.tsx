import type { ReactNode } from 'react';

/** A state the user must not have to guess: loading, empty, or an error in words. */
export function StateMessage({
  kind,
  children,
  testId,
}: {
  kind: 'loading' | 'empty' | 'error' | 'warning';
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={`state state-${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId ?? `state-${kind}`}
    >
      {kind === 'loading' && <span className="spinner" aria-hidden />}
      {children}
    </div>
  );
}
