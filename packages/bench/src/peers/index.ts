// The peer libraries measured beside Liouville, and what a run records about them.
import { jaxjsEnvironment } from './jaxjs.js';
import { torchEnvironment } from './pytorch.js';
import { tfjsEnvironment } from './tfjs.js';

/** Versions and settings of the peers this run loaded (or why one did not load). */
export async function peerEnvironment(): Promise<Record<string, string>> {
  return { ...torchEnvironment(), ...(await jaxjsEnvironment()), ...(await tfjsEnvironment()) };
}
