#!/usr/bin/env node
/**
 * Compiles src/training/fused/kernels.wat (WebAssembly text, SIMD) with wabt and writes the
 * binary, base64-encoded, into src/training/fused/kernelsWasm.ts, so the library ships the
 * kernels inside its JavaScript with no extra file to fetch. __tests__/kernels.test.ts
 * recompiles the .wat and fails when the committed module is stale.
 *
 *   npm run build:wasm
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { Buffer } from 'node:buffer';
import * as prettier from 'prettier';

const root = fileURLToPath(new URL('..', import.meta.url));
const watPath = `${root}src/training/fused/kernels.wat`;
const outPath = `${root}src/training/fused/kernelsWasm.ts`;

const wabt = await wabtInit();
const parsed = wabt.parseWat('kernels.wat', readFileSync(watPath, 'utf8'), { simd: true });
parsed.validate();
const { buffer } = parsed.toBinary({});
parsed.destroy();
const base64 = Buffer.from(buffer).toString('base64');

const source = `/**
 * The fused engine's WebAssembly SIMD kernels (${buffer.length} bytes), compiled from
 * kernels.wat by \`npm run build:wasm\`. Generated: do not edit.
 */
export const KERNELS_WASM_BASE64 =
  '${base64}';
`;
const options = { ...(await prettier.resolveConfig(outPath)), filepath: outPath };
writeFileSync(outPath, await prettier.format(source, options));
console.log(`wrote ${outPath} (${buffer.length} bytes of wasm)`);
