// Entry of the generator worker thread. Workers do not inherit the parent's tsx loader on Node 20, so register it
// here before loading the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./generator-worker.ts');
