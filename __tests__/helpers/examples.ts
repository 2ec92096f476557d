import { format } from 'node:util';
import { resolve } from 'node:path';
import ts from 'typescript';

/**
 * Runs documentation code (TSDoc `@example`s, the README's and the guide's ```ts blocks) as
 * a user would, against the source. `from 'seq-echo'` becomes the source directory; the
 * block's imports stay imports and the rest becomes the body of an async function, so
 * top-level `await` works. A line `console.log(...); // text` asserts that it logs `text`
 * (compared without white space); any other `console.log` is swallowed.
 */

/** Turns a block of code into a CommonJS module whose `run(check, console)` executes it. */
export function compileExample(code: string): string {
  const lines = code
    .replaceAll("'seq-echo'", JSON.stringify(resolve(__dirname, '../../src')))
    .split('\n');
  const imports: string[] = [];
  const body: string[] = [];
  // An import may span lines (`import {\n  a,\n  b,\n} from '...'`).
  let inImport = false;
  for (const line of lines) {
    if (line.startsWith('import ') || inImport) {
      imports.push(line);
      inImport = !/from\s+['"][^'"]+['"];?\s*$/.test(line) && !/^import\s+['"]/.test(line);
      continue;
    }
    const m = /^(\s*)console\.log\((.*)\);\s*\/\/\s*(.+)$/.exec(line);
    body.push(m ? `${m[1]}check(${JSON.stringify(m[3])}, ${m[2]});` : line);
  }
  const source = `${imports.join('\n')}\nexport async function run(check, console) {\n${body.join('\n')}\n}\n`;
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

/** One `console.log(...); // text` line's outcome: what it logged and what the text says. */
export interface Checked {
  actual: string;
  expected: string;
}

/** Runs a block of code (see {@link compileExample}); returns its checked `console.log`s. */
export async function runExample(code: string): Promise<Checked[]> {
  const module = { exports: {} as { run?: (check: unknown, console: unknown) => Promise<void> } };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function('require', 'module', 'exports', compileExample(code)) as (
    ...args: unknown[]
  ) => void;
  load(require, module, module.exports);
  const checked: Checked[] = [];
  const check = (expected: string, ...args: unknown[]) => {
    checked.push({
      actual: format(...args).replace(/\s+/g, ''),
      expected: expected.replace(/\s+/g, ''),
    });
  };
  await module.exports.run!(check, { log: () => undefined });
  return checked;
}
