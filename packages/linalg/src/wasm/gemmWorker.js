// The helper thread of the matrix-product arenas (see gemmThreads.ts, which defines the protocol
// and the control array's words): it instantiates each arena's module on the arena's shared
// memory, then waits for jobs and takes chunks of rows of a product, running on each the loop of
// WasmGemm.computeRows (wasmGemm.ts): the same WebAssembly functions on the same bytes.
// Plain JavaScript, so that Node starts it from the package's sources and from its build alike.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

// Control words and statuses, as gemmThreads.ts's Control and HelperStatus.
const GENERATION = 0;
const TICKET = 16;
const DONE = 17;
const STATUS = 18;
const READY = 1;
const FAILED = 2;

/** @type {{ control: SharedArrayBuffer, port: import('node:worker_threads').MessagePort }} */
const { control: controlBuffer, port } = workerData;
const control = new Int32Array(controlBuffer);
/** Each registered arena's instance exports, by id. */
const arenas = new Map();

/** Reads the messages waiting: arenas registered (instantiated here) and arenas released (dropped). */
function readMessages() {
  for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
    const { id, module, memory, release } = received.message;
    if (release === true) arenas.delete(id);
    else arenas.set(id, new WebAssembly.Instance(module, { env: { memory } }).exports);
  }
}

/** The exports of arena `id` (registered before its first job). */
function arenaExports(id) {
  if (!arenas.has(id)) readMessages();
  const exports = arenas.get(id);
  if (exports === undefined) throw new Error(`matmul helper: no arena ${id} was registered`);
  return exports;
}

/** Takes the next chunk of job `generation`: its index, or -1 (as gemmThreads.ts's takeChunk). */
function takeChunk(generation, chunks) {
  for (;;) {
    const ticket = Atomics.load(control, TICKET);
    const next = ticket & 0xffff;
    if (ticket >>> 16 !== generation || next >= chunks) return -1;
    if (Atomics.compareExchange(control, TICKET, ticket, ticket + 1) === ticket) return next;
  }
}

/** Takes and writes chunks of job `generation` while there are any (fields in gemmThreads.ts's JobField order). */
function runJob(generation) {
  const [id, dtype, a, aTransposed, b, c, m, k, n, chunkRows, chunks, kc, mc, packedA, packedB] = control.subarray(1, 16);
  let chunk = takeChunk(generation, chunks);
  if (chunk < 0) return; // the caller has taken every chunk (the fields may already be the next job's)
  const exports = arenaExports(id);
  const [name, bytes] = dtype === 0 ? ['f64', 8] : ['f32', 4];
  const [packA, packAT, packB, macro] = ['packA', 'packAT', 'packB', 'macro'].map((f) => exports[`${f}_${name}`]);
  const [lda, ldb] = [k * bytes, n * bytes];
  for (; chunk >= 0; chunk = takeChunk(generation, chunks)) {
    const [rowStart, rowEnd] = [chunk * chunkRows, Math.min(m, (chunk + 1) * chunkRows)];
    for (let p0 = 0; p0 < k; p0 += kc) {
      const kb = Math.min(kc, k - p0);
      packB(b + p0 * ldb, packedB, kb, n, ldb);
      for (let i0 = rowStart; i0 < rowEnd; i0 += mc) {
        const mb = Math.min(mc, rowEnd - i0);
        if (aTransposed) packAT(a + p0 * m * bytes + i0 * bytes, packedA, mb, kb, m * bytes);
        else packA(a + i0 * lda + p0 * bytes, packedA, mb, kb, lda);
        macro(packedA, packedB, b + p0 * ldb, c + i0 * ldb, mb, kb, n, ldb, p0 > 0 ? 1 : 0);
      }
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

Atomics.store(control, STATUS, READY);
Atomics.notify(control, STATUS);
parentPort?.postMessage('ready');
let seen = 0;
for (;;) {
  const generation = Atomics.load(control, GENERATION);
  if (generation === seen) {
    Atomics.wait(control, GENERATION, seen);
    continue;
  }
  seen = generation;
  try {
    runJob(generation);
  } catch (error) {
    Atomics.store(control, STATUS, FAILED);
    Atomics.notify(control, DONE);
    throw error;
  }
  readMessages(); // releases, while the caller goes on
}
