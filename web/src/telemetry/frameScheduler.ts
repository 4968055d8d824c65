// Runs queued work in one animation frame. Telemetry messages arrive one by one; what they change is drawn once,
// all charts together in the frame after them, so an update costs one style/layout/paint and one compositor commit
// rather than one per chart. While the page is hidden nothing is drawn: the work waits until it is shown again.

type Task = () => void;

const queue = new Set<Task>();
let requested = false;
let frame = 0;
let slotsFrame = -1;
let slotsTaken = 0;

const request = (cb: () => void) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(cb) : setTimeout(cb, 16);
const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

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
  if (hidden()) {
    // A hidden tab may still get frames (some embedders keep them running): wait for the tab to be shown.
    document.addEventListener('visibilitychange', resume);
    return;
  }
  // Tasks queued while this frame runs (a chart scheduled by the telemetry notification) run in it too, and ask
  // for no frame of their own.
  frame++;
  try {
    for (const task of queue) {
      queue.delete(task);
      task();
    }
  } finally {
    requested = false;
    if (queue.size > 0) scheduleOnFrame([...queue][0]); // a task threw: the rest run next frame
  }
}

function resume(): void {
  if (hidden()) return;
  document.removeEventListener('visibilitychange', resume);
  request(runFrame);
}

/**
 * One of `limit` slots in the running frame: false once they are taken. Charts that may as well draw on the next
 * update (they draw at their pixel rate) take one, so that however many fall due at once, a frame rasterises a few.
 */
export function takeFrameSlot(limit: number): boolean {
  if (slotsFrame !== frame) {
    slotsFrame = frame;
    slotsTaken = 0;
  }
  return slotsTaken++ < limit;
}

/** Tests: run every queued task now, as a frame of a visible page would. */
export function flushFrames(): void {
  for (let i = 0; i < 10 && queue.size > 0; i++) {
    frame++;
    const tasks = [...queue];
    queue.clear();
    tasks.forEach((t) => t());
  }
}
