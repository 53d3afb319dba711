// The generator worker: generates and serialises the slices the seed asks for, one message per slice, so the
// main thread only drives the stores.
import { parentPort, workerData } from 'node:worker_threads';
import { makeWindow } from './calendar.ts';
import { generateSerializedBatch } from './generate.ts';
import type { GeneratorSetup, SliceReply, SliceRequest } from './producer.ts';

const setup = workerData as GeneratorSetup;
const w = makeWindow(setup.endDay, setup.days);
const managers = new Map(setup.managers);

parentPort?.on('message', (slice: SliceRequest) => {
  let reply: SliceReply;
  try {
    reply = {
      ok: true,
      batch: generateSerializedBatch(setup.seed, slice.fromId, slice.toId, w, managers, setup.dir),
    };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(reply);
});
