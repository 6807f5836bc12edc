import { stubRegistry } from './registry.ts';

export default {
  get scenario() {
    return { iterationInTest: stubRegistry().iterationInTest };
  },
};
