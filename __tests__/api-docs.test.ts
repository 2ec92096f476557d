import { resolve } from 'node:path';
import ts from 'typescript';
import { runExample } from './helpers/examples';

/**
 * The public API's documentation is part of the API: every export of src/index.ts has TSDoc,
 * every exported function has an `@example`, and every example runs. In an example,
 * `console.log(...); // text` asserts that the line logs `text` (compared without white space).
 */

const entry = resolve(__dirname, '../src/index.ts');
const program = ts.createProgram([entry], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();
const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
const exported = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return { name: symbol.getName(), symbol: target };
});

const docText = (symbol: ts.Symbol) =>
  ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
const examplesOf = (symbol: ts.Symbol) =>
  symbol
    .getJsDocTags(checker)
    .filter((tag) => tag.name === 'example')
    .map((tag) => ts.displayPartsToString(tag.text));

const functions = exported.filter(({ symbol }) => symbol.flags & ts.SymbolFlags.Function);
/** What users call or read at runtime: functions and constants (such as `presets`). */
const values = exported.filter(({ symbol }) => symbol.flags & ts.SymbolFlags.Value);
const types = exported.filter(({ symbol }) => !(symbol.flags & ts.SymbolFlags.Value));

describe('public API documentation', () => {
  it('exports the documented surface', () => {
    expect(functions.map((f) => f.name).sort()).toEqual(
      [
        'attentionWeights',
        'buildAttention',
        'buildEncoderDecoder',
        'buildManyToOne',
        'buildOneToOne',
        'createVocabulary',
        'linearDecode',
        'linearEncode',
        'buildSeq2Seq',
        'buildTeacherForcing',
        'decodeGreedy',
        'disposeEchoModel',
        'decodeGreedyBatch',
        'evaluateTeacherForcing',
        'frameTeacherForcing',
        'trainTeacherForcing',
        'useThreadWorkers',
        'evaluateEcho',
        'generateSequence',
        'getEchoData',
        'loadEchoModel',
        'oneHotDecode',
        'oneHotEncode',
        'predictEcho',
        'saveEchoModel',
        'loadTeacherForcing',
        'saveTeacherForcing',
        'selectBackend',
        'toSupervised',
        'trainEcho',
      ].sort(),
    );
  });

  it.each(exported.map((e) => [e.name, e.symbol] as const))(
    '%s has a TSDoc summary',
    (_, symbol) => {
      expect(docText(symbol).length).toBeGreaterThan(20);
    },
  );

  it.each(types.map((e) => [e.name, e.symbol] as const))(
    '%s documents every one of its fields',
    (_, symbol) => {
      const members = symbol.members ? [...symbol.members.values()] : [];
      const typeParams = symbol
        .getJsDocTags(checker)
        .filter((tag) => tag.name === 'typeParam')
        .map((tag) => ts.displayPartsToString(tag.text).split(/\s/)[0]);
      for (const member of members) {
        // A type parameter is documented by an @typeParam tag on the type itself.
        const documented =
          member.flags & ts.SymbolFlags.TypeParameter
            ? typeParams.includes(member.getName())
            : docText(member).length > 0;
        expect([member.getName(), documented]).toEqual([member.getName(), true]);
      }
    },
  );

  it.each(values.map((e) => [e.name, e.symbol] as const))('%s has an @example', (_, symbol) => {
    expect(examplesOf(symbol).length).toBeGreaterThan(0);
  });
});

describe('every @example runs and prints what it says', () => {
  const cases = values.flatMap(({ name, symbol }) =>
    examplesOf(symbol).map((example, i) => [`${name} #${i + 1}`, example] as const),
  );
  it.each(cases)('%s', async (_, example) => {
    const code = /```ts\n([\s\S]*?)```/.exec(example)?.[1];
    if (code === undefined) throw new Error(`example without a ts code block:\n${example}`);
    const checked = await runExample(code);
    expect(checked.length).toBeGreaterThan(0);
    for (const { actual, expected } of checked) expect(actual).toBe(expected);
  });
});
