#!/usr/bin/env node
/**
 * Compiles src/training/fused/kernels.wat (WebAssembly text, SIMD) with wabt and writes the
 * binary, base64-encoded, into src/training/fused/kernelsWasm.ts, so the library ships the
 * kernels inside its JavaScript with no extra file to fetch. A second build of the same text,
 * its matmul accumulations rewritten to relaxed-SIMD fused multiply-adds, goes to
 * kernelsFmaWasm.ts (kernels.ts uses it where the runtime validates it).
 *
 *   npm run build:wasm                  write the generated files
 *   node scripts/build-wasm.mjs --check exit 1 when a generated file is stale (kernels.test.ts)
 *   node scripts/build-wasm.mjs --wat F print {"simd": base64, "fma": base64} built from F
 *                                       (bench/kernels.ts --against: an older kernels.wat)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import wabtInit from 'wabt';
import { Buffer } from 'node:buffer';
import * as prettier from 'prettier';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}src/training/fused/`;

/**
 * `acc + x * y` in the matmul inner loops, `(f32x4.add (local.get $cN) (f32x4.mul X Y))` with X
 * and Y locals, becomes `(f32x4.relaxed_madd X Y (local.get $cN))`: one rounding instead of
 * two where the hardware fuses (x86 FMA3, ARM), so results may differ from the SIMD build's in
 * the last bits. Only these accumulations change; the tails and the LSTM cell stay as they are.
 */
const MADD =
  /\(f32x4\.add \(local\.get (\$c\d+)\) \(f32x4\.mul (\(local\.get \$\w+\)) (\(local\.get \$\w+\))\)\)/g;

/** kernels.wat with every matmul accumulation fused (see MADD). */
function fma(wat) {
  let count = 0;
  const out = wat.replace(MADD, (_, acc, x, y) => {
    count += 1;
    return `(f32x4.relaxed_madd ${x} ${y} (local.get ${acc}))`;
  });
  // A rewrite that matches nothing would ship the SIMD build twice under another name.
  if (count === 0) throw new Error('found no matmul accumulation to fuse in kernels.wat');
  return out;
}

/** The generated modules: file, exported constant, what it is, and how it is built. */
const VARIANTS = [
  {
    key: 'simd',
    file: 'kernelsWasm.ts',
    name: 'KERNELS_WASM_BASE64',
    what: "The fused engine's WebAssembly SIMD kernels",
    rewrite: (wat) => wat,
    features: { simd: true },
  },
  {
    key: 'fma',
    file: 'kernelsFmaWasm.ts',
    name: 'KERNELS_FMA_WASM_BASE64',
    what: "The fused engine's kernels with relaxed-SIMD fused multiply-adds in the matmuls",
    rewrite: fma,
    features: { simd: true, relaxed_simd: true },
  },
];

const wabt = await wabtInit();

function assemble(wat, { rewrite, features }) {
  const parsed = wabt.parseWat('kernels.wat', rewrite(wat), features);
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  return Buffer.from(buffer);
}

async function source({ file, name, what }, binary) {
  const text = `/**
 * ${what} (${binary.length} bytes), compiled from
 * kernels.wat by \`npm run build:wasm\`. Generated: do not edit.
 */
export const ${name} =
  '${binary.toString('base64')}';
`;
  const filepath = dir + file;
  return prettier.format(text, { ...(await prettier.resolveConfig(filepath)), filepath });
}

const { values } = parseArgs({ options: { check: { type: 'boolean' }, wat: { type: 'string' } } });
const wat = readFileSync(values.wat ?? `${dir}kernels.wat`, 'utf8');
if (values.wat !== undefined) {
  const built = Object.fromEntries(
    VARIANTS.map((v) => [v.key, assemble(wat, v).toString('base64')]),
  );
  console.log(JSON.stringify(built));
} else {
  let stale = 0;
  for (const variant of VARIANTS) {
    const binary = assemble(wat, variant);
    const text = await source(variant, binary);
    const path = dir + variant.file;
    if (!values.check) {
      writeFileSync(path, text);
      console.log(`wrote ${path} (${binary.length} bytes of wasm)`);
    } else if (readFileSync(path, 'utf8') !== text) {
      console.error(`${path} is stale: npm run build:wasm`);
      stale += 1;
    }
  }
  process.exitCode = stale ? 1 : 0;
}
