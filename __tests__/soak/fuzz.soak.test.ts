import { fuzzSuite } from '../helpers/fuzz';

describe('fuzzed inputs to the data functions (soak: 10,000 runs each)', () => {
  fuzzSuite(10_000);
});
