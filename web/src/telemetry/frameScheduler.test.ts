import { scheduleOnFrame } from './frameScheduler';

function frames() {
  const pending: (() => void)[] = [];
  vi.stubGlobal('requestAnimationFrame', (cb: () => void) => pending.push(cb));
  const runNext = () => pending.splice(0, pending.length).forEach((cb) => cb());
  return { pending, runNext };
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('frameScheduler', () => {
  afterEach(() => setHidden(false));

  it('runs every chart of an update in one animation frame, including those the update schedules', () => {
    const f = frames();
    const ran: string[] = [];
    const chart = (name: string) => () => ran.push(name);
    const a = chart('a');
    scheduleOnFrame(() => {
      ran.push('telemetry');
      scheduleOnFrame(a);
      scheduleOnFrame(chart('b'));
    });
    scheduleOnFrame(a);
    expect(f.pending).toHaveLength(1);
    f.runNext();
    expect(ran).toEqual(['telemetry', 'a', 'b']);
    expect(f.pending).toHaveLength(0); // nothing left for a second frame (a second commit)
  });

  it('draws nothing while the tab is hidden and catches up once it is shown', () => {
    const f = frames();
    const draw = vi.fn();
    setHidden(true);
    scheduleOnFrame(draw);
    f.runNext(); // a frame a hidden tab may still get
    scheduleOnFrame(draw);
    expect(draw).not.toHaveBeenCalled();
    expect(f.pending).toHaveLength(0);
    setHidden(false);
    f.runNext();
    expect(draw).toHaveBeenCalledTimes(1);
  });
});
