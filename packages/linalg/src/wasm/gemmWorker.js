// The helper thread of the matrix-product arenas (see gemmThreads.ts, which defines the protocol
// and the control array's fields): it instantiates each arena's module on the arena's shared
// memory, then waits for jobs and runs rows [rowStart, rowEnd) of a product with the loop of
// WasmGemm.computeRows (wasmMatmulKernel.ts), the same WebAssembly functions on the same bytes.
// Plain JavaScript, so that Node starts it from the package's sources and from its build alike.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

const STATE = { IDLE: 1, JOB: 2, RUNNING: 3, DONE: 4, FAILED: 5 };
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

/** Runs the job in the control array (fields in gemmThreads.ts's JobField order). */
function runJob() {
  const exports = arenaExports(control[1]);
  const [name, bytes] = control[2] === 0 ? ['f64', 8] : ['f32', 4];
  const [packA, packAT, packB, macro] = ['packA', 'packAT', 'packB', 'macro'].map((f) => exports[`${f}_${name}`]);
  const [a, aTransposed, b, c, m, k, n, rowStart, rowEnd, kc, mc, packedA, packedB] = control.subarray(3, 16);
  const [lda, ldb] = [k * bytes, n * bytes];
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
}

Atomics.store(control, 0, STATE.IDLE);
Atomics.notify(control, 0);
parentPort?.postMessage('ready');
for (;;) {
  const state = Atomics.load(control, 0);
  if (state !== STATE.JOB) {
    Atomics.wait(control, 0, state);
    continue;
  }
  // Take the job, unless the caller has just withdrawn it.
  if (Atomics.compareExchange(control, 0, STATE.JOB, STATE.RUNNING) !== STATE.JOB) continue;
  let failure;
  try {
    runJob();
  } catch (error) {
    failure = error;
  }
  Atomics.store(control, 0, failure === undefined ? STATE.DONE : STATE.FAILED);
  Atomics.notify(control, 0);
  if (failure !== undefined) throw failure;
  readMessages(); // releases, while the caller goes on
}
