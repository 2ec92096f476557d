/**
 * The `seq-echo` executable (`dist/cli.js` once built; `npx tsx src/cli/main.ts` from a clone).
 * Everything it does is in `run.ts`; this file only connects it to the process.
 */
import { escapeControl } from './escape';
import { runCli } from './run';

// tfjs's cpu backend advertises tfjs-node (which this CLI does not use) on its first tensor;
// drop just that message, keep every other warning.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('install our node backend')) return;
  warn(...args);
};

// `seq-echo ... | head` closes stdout early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  onInterrupt: (handler) => {
    process.once('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // An unexpected error's text may quote a file: escape each line of it.
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`seq-echo: ${text.split('\n').map(escapeControl).join('\n')}\n`);
    process.exitCode = 1;
  },
);
