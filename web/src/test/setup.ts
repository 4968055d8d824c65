import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// jsdom has no canvas: a recording stand-in for uPlot (tests assert what the chart was given).
vi.mock('uplot', async () => ({ default: (await import('./FakeUPlot')).FakeUPlot }));

afterEach(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});
