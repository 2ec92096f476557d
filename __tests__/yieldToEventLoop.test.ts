import { yieldToEventLoop } from '../src/internal/yieldToEventLoop';

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

/**
 * How many yields it takes before a due timer has run (as in trainEcho: compute, yield,
 * compute, yield...), up to 10.
 */
async function yieldsUntilTimerRuns(): Promise<number> {
  const timer = { ran: false };
  const handle = setTimeout(() => (timer.ran = true), 0);
  let yields = 0;
  while (!timer.ran && yields < 10) {
    const until = Date.now() + 5; // "compute" past the timer's due time
    while (Date.now() < until) {
      // busy-wait
    }
    await yieldToEventLoop();
    yields += 1;
  }
  clearTimeout(handle);
  return yields;
}

describe('yieldToEventLoop', () => {
  it('uses setImmediate in Node, and due timers (an abort, say) run between yields', async () => {
    const spy = jest.spyOn(globalThis, 'setImmediate');
    // Node runs immediates before the next round of timers, so a timer may need one more turn.
    expect(await yieldsUntilTimerRuns()).toBeLessThanOrEqual(2);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('uses a MessageChannel where there is no setImmediate (browsers), and closes it', async () => {
    await without(['setImmediate'], async () => {
      const created: MessageChannel[] = [];
      const Real = MessageChannel;
      (globalThis as { MessageChannel: unknown }).MessageChannel = class extends Real {
        constructor() {
          super();
          created.push(this);
        }
      };
      try {
        await yieldToEventLoop();
        await yieldToEventLoop();
      } finally {
        (globalThis as { MessageChannel: unknown }).MessageChannel = Real;
      }
      expect(created).toHaveLength(2);
      // A port left open would keep Node's event loop alive; onmessage set means it was used.
      for (const channel of created) expect(channel.port1.onmessage).not.toBeNull();
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
