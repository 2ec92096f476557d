/**
 * Sizes a newcomer can read (README, architecture): no file in src over 400 lines, except the
 * generated kernel module, and no function over 80 lines from its first line to its closing
 * brace. A function that grows past that is usually doing two jobs.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SRC, sourceFiles } from './helpers/sourceFiles';
import ts from 'typescript';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
/** Written by scripts/build-wasm.mjs from kernels.wat: bytes, not code to read. */
const GENERATED = new Set(['training/fused/kernelsWasm.ts']);

/** Every function, method, arrow and accessor in `text` longer than `max` lines. */
function longFunctions(name: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const line = (position: number) => source.getLineAndCharacterOfPosition(position).line;
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const lines = line(node.getEnd()) - line(node.getStart(source)) + 1;
      if (lines > max) {
        const named = (node as ts.FunctionDeclaration).name?.getText(source) ?? 'a function';
        found.push(`${name}:${line(node.getStart(source)) + 1} ${named} has ${lines} lines`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const sources = sourceFiles()
  .map((file) => ({ name: relative(SRC, file), text: readFileSync(file, 'utf8') }))
  .filter(({ name }) => !GENERATED.has(name));

describe('sizes a newcomer can read', () => {
  it('finds the source files', () => {
    expect(sources.length).toBeGreaterThan(40);
  });

  it(`no file in src is over ${MAX_FILE_LINES} lines`, () => {
    const long = sources
      .map(({ name, text }) => ({ name, lines: text.split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ name, lines }) => `${name} has ${lines} lines`);
    expect(long).toEqual([]);
  });

  it(`no function in src is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = sources.flatMap(({ name, text }) => longFunctions(name, text, MAX_FUNCTION_LINES));
    expect(long).toEqual([]);
  });

  it('the measure sees a long function and a short one', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const a${i} = ${i};`);
    const text = ['function long() {', ...body(85), '}', 'const short = () => {', '};'].join('\n');
    expect(longFunctions('x.ts', text, MAX_FUNCTION_LINES)).toEqual(['x.ts:1 long has 87 lines']);
  });
});
