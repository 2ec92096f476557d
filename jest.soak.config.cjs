/**
 * `npm run test:soak`: the long tests (10,000 fuzz runs per data function, 5,000 epochs of
 * recipe B), kept out of `npm test`. CI runs both.
 * @type {import('jest').Config}
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
const base = require('./jest.config.cjs');

module.exports = {
  ...base,
  testMatch: ['**/__tests__/soak/**/*.soak.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 1_800_000,
};
