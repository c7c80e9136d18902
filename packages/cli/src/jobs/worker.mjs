// Entry point of a training worker thread: the TypeScript sources are loaded through tsx's loader,
// which each thread must register for itself.
import { register } from 'tsx/esm/api';

register();
await import('./workerEntry.ts');
