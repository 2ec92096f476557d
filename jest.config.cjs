/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // tfjs keeps its engine on the global object; Jest's cleanup of globals between test files
  // would soft-delete it and warn on every later access.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // The long runs: `npm run test:soak` (jest.soak.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/soak/'],
  transform: {
    // tsconfig.json sets isolatedModules, so ts-jest only transpiles (much faster);
    // type-checking is `npm run typecheck`'s job.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // Two workers even on a 2-core machine (jest's default there is one): the test files are
  // CPU-bound and independent, so two at a time nearly halves the run (263 s -> 149 s, measured).
  maxWorkers: 2,
  // Training tests run for tens of seconds on a 2-core CPU.
  testTimeout: 180000,
  setupFiles: ['<rootDir>/__tests__/helpers/setup.ts'],
};
