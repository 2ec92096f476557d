/**
 * seq-echo's version, as in package.json (a test keeps the two equal). Written into every
 * saved model's metadata as `libraryVersion`.
 */
export const VERSION = '0.1.0';
