// Where batches come from: a worker thread when one can start (generation then overlaps the inserts on the main
// thread, which on a two-core machine nearly halves the seed), otherwise the main thread itself.
import { Worker } from 'node:worker_threads';
import type { ManagersBySubBranch } from './bank.ts';
import { makeWindow } from './calendar.ts';
import { generateSerializedBatch, type SerializedBatch } from './generate.ts';

/** What the worker needs to generate any slice. */
export interface GeneratorSetup {
  readonly seed: string;
  readonly endDay: number;
  readonly days: number;
  readonly managers: readonly (readonly [string, readonly string[]])[];
  /** Directory for the NDJSON files of the event store. */
  readonly dir: string;
}
export interface SliceRequest {
  readonly fromId: number;
  readonly toId: number;
}
export type SliceReply =
  { readonly ok: true; readonly batch: SerializedBatch } | { readonly ok: false; readonly error: string };

/** Produces serialised batches, one slice at a time (a request may be made while the previous one is consumed). */
export interface BatchProducer {
  readonly mode: 'worker' | 'in-process';
  produce(fromId: number, toId: number): Promise<SerializedBatch>;
  close(): Promise<void>;
}

/** Starts the generator worker, or falls back to generating in-process if the worker cannot start. */
export async function startProducer(setup: GeneratorSetup): Promise<BatchProducer> {
  try {
    return await startWorker(setup);
  } catch {
    return inProcess(setup);
  }
}

function inProcess(setup: GeneratorSetup): BatchProducer {
  const w = makeWindow(setup.endDay, setup.days);
  const managers: ManagersBySubBranch = new Map(setup.managers);
  return {
    mode: 'in-process',
    async produce(fromId, toId) {
      return generateSerializedBatch(setup.seed, fromId, toId, w, managers, setup.dir);
    },
    async close() {},
  };
}

async function startWorker(setup: GeneratorSetup): Promise<BatchProducer> {
  const worker = new Worker(new URL('./generator-worker.mjs', import.meta.url), { workerData: setup });
  const waiting: { resolve: (b: SerializedBatch) => void; reject: (e: unknown) => void }[] = [];
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on('message', (reply: SliceReply) => {
    const next = waiting.shift();
    if (!next) return;
    if (reply.ok) next.resolve(reply.batch);
    else next.reject(new Error(`demo generator: ${reply.error}`));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`demo generator worker exited (code ${code})`)));
  const producer: BatchProducer = {
    mode: 'worker',
    produce(fromId, toId) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage({ fromId, toId } satisfies SliceRequest);
      });
    },
    async close() {
      failure ??= new Error('demo generator closed');
      await worker.terminate();
    },
  };
  // Prove the worker runs (its loader and modules resolve) on an empty slice before relying on it.
  try {
    await producer.produce(1, 0);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return producer;
}
