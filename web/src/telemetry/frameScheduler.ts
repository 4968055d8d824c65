// Runs queued work once per animation frame, within a time budget. Telemetry messages arrive one by one; charts
// redraw at most once per frame, and when 48 charts are due at once the ones past the budget move to the next
// frame instead of making one long task.

type Task = () => void;

export const FRAME_BUDGET_MS = 8;

const queue = new Set<Task>();
let requested = false;

const now = () => performance.now();
const request = (cb: () => void) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(cb) : setTimeout(cb, 16);

/** Queues a task for the next frame; queuing the same task twice runs it once. */
export function scheduleOnFrame(task: Task): void {
  queue.add(task);
  if (!requested) {
    requested = true;
    request(runFrame);
  }
}

export function cancelOnFrame(task: Task): void {
  queue.delete(task);
}

function runFrame(): void {
  requested = false;
  const start = now();
  // Tasks queued while this frame runs (a chart scheduled by a telemetry flush) run in it too, budget permitting.
  for (const task of queue) {
    queue.delete(task);
    task();
    if (now() - start > FRAME_BUDGET_MS) break;
  }
  if (queue.size > 0 && !requested) {
    requested = true;
    request(runFrame);
  }
}

/** Tests: run every queued task now. */
export function flushFrames(): void {
  for (let i = 0; i < 10 && queue.size > 0; i++) {
    const tasks = [...queue];
    queue.clear();
    tasks.forEach((t) => t());
  }
}
