import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { IDENTITY_EVENT_MAPPING } from '../test/support/event-mapping.ts';

const DIR = '.tmp/bench-data';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeLines(
  path: string,
  header: string | null,
  count: number,
  line: (i: number) => string,
): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(DIR, { recursive: true });
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  if (header) out.write(header + '\n');
  let chunk: string[] = [];
  for (let i = 1; i <= count; i++) {
    chunk.push(line(i));
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length) out.write(chunk.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return path;
}

const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Wuhan', "Xi'an", 'Nanjing'];

/** A CSV of `count` customers (deterministic) and its mapping; cached under .tmp/bench-data. */
export async function customersCsv(count: number): Promise<{ file: string; mapping: string }> {
  const rand = prng(count);
  const file = await writeLines(
    `${DIR}/customers-${count}.csv`,
    'customer_no,name,gender,birth_date,phone,city,aum,customer_since',
    count,
    (i) => {
      const year = 1950 + Math.floor(rand() * 55);
      const aum = Math.round(10_000 / Math.pow(1 - rand() * 0.999, 1 / 1.16)) / 100;
      return `B${String(i).padStart(9, '0')},Customer ${i},${rand() < 0.5 ? 'M' : 'F'},${year}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)},138${String(Math.floor(rand() * 1e8)).padStart(8, '0')},${CITIES[i % CITIES.length]},${aum},20${10 + Math.floor(rand() * 15)}-05-01`;
    },
  );
  const mapping = `${DIR}/customers.mapping.json`;
  writeFileSync(
    mapping,
    JSON.stringify({
      columns: {
        customer_no: 'customer_no',
        name: 'name',
        gender: 'gender',
        birth_date: 'birth_date',
        phone: 'phone',
        city: 'city',
        aum: { from: 'aum', convert: 'number' },
        customer_since: 'customer_since',
      },
    }),
  );
  return { file, mapping };
}

/** NDJSON of `count` behaviour events over `customers` distinct ids (deterministic), and its mapping. */
export async function eventsNdjson(
  count: number,
  customers: number,
): Promise<{ file: string; mapping: string }> {
  const rand = prng(count + 7);
  const names = ['app_open', 'view_product', 'add_favorite', 'consult', 'apply', 'purchase', 'share'];
  const start = Date.parse('2026-08-01T00:00:00Z');
  const file = await writeLines(`${DIR}/events-${count}.ndjson`, null, count, (i) =>
    JSON.stringify({
      event_id: `ev-${i}`,
      distinct_id: `B${String(1 + Math.floor(rand() * customers)).padStart(9, '0')}`,
      event: names[Math.floor(rand() * rand() * names.length)],
      time: start + Math.floor(rand() * 90 * 86_400_000),
      properties: { channel: rand() < 0.7 ? 'app' : 'web', amount: Math.round(rand() * 100_000) / 100 },
    }),
  );
  const mapping = `${DIR}/events.mapping.json`;
  writeFileSync(mapping, JSON.stringify(IDENTITY_EVENT_MAPPING));
  return { file, mapping };
}

/** A unique id per i that looks random (SDKs send UUIDs), so stored ids do not arrive in key order. */
function randomLookingId(i: number): string {
  const mix = (x: number) => {
    let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  // fmix32 is a bijection on 32-bit integers, so the first half alone already keeps ids distinct below 2^32.
  return `${mix(i).toString(16).padStart(8, '0')}-${mix(i ^ 0x5bd1e995)
    .toString(16)
    .padStart(8, '0')}`;
}

/** One batch of `size` API events starting at sequence `from`. */
export function apiEventBatch(from: number, size: number, customers: number): object[] {
  const out = [];
  const now = Date.parse('2026-11-01T00:00:00Z');
  for (let i = from; i < from + size; i++) {
    out.push({
      event_id: randomLookingId(i),
      distinct_id: `B${String(1 + (i % customers)).padStart(9, '0')}`,
      event: i % 5 === 0 ? 'purchase' : 'app_open',
      time: now + i,
      properties: { channel: 'app', amount: i % 1000 },
    });
  }
  return out;
}
