import { fuzzSuite } from './helpers/fuzz';

// A quick pass on every run of the suite; `npm run test:soak` runs 10,000 per function.
describe('fuzzed inputs to the data functions (quick)', () => {
  fuzzSuite(300);
});
