/**
 * Pacing: training runs on the main thread, so between epochs input and frames must get their
 * turn. `trainEcho` yields to the event loop every ~50 ms by itself (an epoch of model A takes
 * about 2 ms here); {@link givePageATurn} yields a little more often, which keeps clicks
 * snappy, and waits for a frame when one is overdue, which keeps the chart and counters painting.
 */

/** After this long without a turn of the event loop, onEpochEnd yields one (input lands). */
const YIELD_BUDGET_MS = 16;
/** After this long without a rendered frame, onEpochEnd waits for one. */
const FRAME_BUDGET_MS = 50;

let lastYieldAt = performance.now();
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();

/**
 * Resolves in a new task, so pending input (a click on Stop) is handled first. A message, not
 * `setTimeout(0)`, which browsers stretch to 4 ms when timers nest.
 */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    yieldQueue.push(() => {
      lastYieldAt = performance.now();
      resolve();
    });
    channel.port2.postMessage(null);
  });
}

let lastFrameAt = performance.now();
let drawPending = false;

/** Runs `draw` at the next frame; calls before then share that one draw (at most one a frame). */
export function scheduleDraw(draw: () => void): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    lastFrameAt = performance.now();
    draw();
  });
}

/**
 * Resolves at the next frame (after the pending draw), or after 100 ms if no frame comes.
 * Hidden tabs get no frames: {@link givePageATurn} does not wait for one there.
 */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      lastFrameAt = lastYieldAt = performance.now();
      resolve();
    }, 100);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      lastFrameAt = lastYieldAt = performance.now();
      resolve();
    });
  });
}

/** For onEpochEnd: waits for a frame if one is overdue, else yields a task if one is. */
export async function givePageATurn(): Promise<void> {
  const now = performance.now();
  if (!document.hidden && now - lastFrameAt > FRAME_BUDGET_MS) await nextFrame();
  else if (now - lastYieldAt > YIELD_BUDGET_MS) await yieldToPage();
}
