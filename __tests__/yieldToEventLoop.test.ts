import { yielder, yieldToEventLoop } from '../src/internal/yieldToEventLoop';

/** Runs `body` with some of the global scheduling functions hidden. */
async function without(names: ('setImmediate' | 'MessageChannel')[], body: () => Promise<void>) {
  const scope = globalThis as Record<string, unknown>;
  const saved = names.map((name) => [name, scope[name]] as const);
  for (const name of names) scope[name] = undefined;
  try {
    await body();
  } finally {
    for (const [name, value] of saved) scope[name] = value;
  }
}

describe('yieldToEventLoop', () => {
  it('uses setImmediate in Node, and resolves only when the immediate runs', async () => {
    // The mechanism, not a timing: the promise waits for a macrotask (during which due timers,
    // an abort say, get their turn), so it must stay pending until setImmediate's callback runs.
    const callbacks: (() => void)[] = [];
    const spy = jest
      .spyOn(globalThis, 'setImmediate')
      .mockImplementation((callback: () => void) => {
        callbacks.push(callback);
        return undefined as unknown as NodeJS.Immediate;
      });
    try {
      let resolved = false;
      const yielded = yieldToEventLoop().then(() => (resolved = true));
      for (let i = 0; i < 10; i++) await Promise.resolve(); // drain the microtasks
      expect(callbacks).toHaveLength(1);
      expect(resolved).toBe(false);
      callbacks[0]!();
      await yielded;
      expect(resolved).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('uses a MessageChannel where there is no setImmediate (browsers), and closes it', async () => {
    await without(['setImmediate'], async () => {
      const created: MessageChannel[] = [];
      const closes: jest.SpyInstance[] = [];
      const Real = MessageChannel;
      (globalThis as { MessageChannel: unknown }).MessageChannel = class extends Real {
        constructor() {
          super();
          created.push(this);
          closes.push(jest.spyOn(this.port1, 'close'));
        }
      };
      try {
        await yieldToEventLoop();
        await yieldToEventLoop();
      } finally {
        (globalThis as { MessageChannel: unknown }).MessageChannel = Real;
      }
      expect(created).toHaveLength(2);
      // onmessage set means the channel was used; a port left open would keep Node's event
      // loop alive (and leak one channel per yield in a browser), so each is closed once.
      for (const channel of created) expect(channel.port1.onmessage).not.toBeNull();
      expect(closes).toHaveLength(2);
      for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
    });
  });

  it('falls back to setTimeout when neither exists', async () => {
    await without(['setImmediate', 'MessageChannel'], async () => {
      const spy = jest.spyOn(globalThis, 'setTimeout');
      await yieldToEventLoop();
      expect(spy).toHaveBeenCalledWith(expect.any(Function), 0);
      spy.mockRestore();
    });
  });
});

describe('yielder', () => {
  it('yields only once about 50 ms have passed since it last did', async () => {
    let now = 1000;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
    const immediate = jest.spyOn(globalThis, 'setImmediate');
    try {
      const pause = yielder();
      now += 50;
      await pause();
      expect(immediate).not.toHaveBeenCalled();
      now += 1;
      await pause();
      expect(immediate).toHaveBeenCalledTimes(1);
      now += 30;
      await pause();
      expect(immediate).toHaveBeenCalledTimes(1);
      now += 21;
      await pause();
      expect(immediate).toHaveBeenCalledTimes(2);
    } finally {
      clock.mockRestore();
      immediate.mockRestore();
    }
  });
});
