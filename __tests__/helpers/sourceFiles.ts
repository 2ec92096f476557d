import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The library's source folder. */
export const SRC = join(__dirname, '..', '..', 'src');

/** Every `.ts` file below `dir`, recursively. */
export function sourceFiles(dir: string = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}
