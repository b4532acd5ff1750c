/**
 * src/ingest/json-reader.ts against stream-json on the same files: a JSON array of 500,000
 * records of 10 fields (one nested object, one array) and the same records as NDJSON, read from
 * disk in 64 KiB chunks. Sluice's side is what file-records.ts does (scanner, then JSON.parse of
 * each record's text); stream-json's is parser() + streamArray() (jsonl/Parser for NDJSON), which
 * build the values themselves. Median of 3 runs each, alternating.
 *
 *   node bin/run-ts.js bench/json-reader.ts [records]
 *
 * stream-json comes with minio (a dependency), which is why it can be measured without installing it.
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { jsonArrayScanner, lineSplitter, type JsonChunkScanner } from '../src/ingest/json-reader';

type StreamFactory = () => NodeJS.ReadWriteStream;
const { parser } = require('stream-json') as { parser: (opts?: object) => NodeJS.ReadWriteStream };
const { streamArray } = require('stream-json/streamers/StreamArray') as { streamArray: StreamFactory };
const { parser: jsonlParser } = require('stream-json/jsonl/Parser') as { parser: StreamFactory };

function record(i: number): Record<string, unknown> {
  return {
    id: i,
    customer: `customer ${i % 9973}`,
    email: i % 50 === 0 ? null : `user${i}@example.com`,
    amount: Math.round(((i * 7919) % 100000) / 3) / 100,
    status: ['paid', 'pending', 'refunded', 'shipped'][i % 4],
    ordered_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    quantity: (i % 12) + 1,
    gift: i % 7 === 0,
    tags: i % 3 === 0 ? ['promo', 'web'] : ['store'],
    address: { city: `City ${i % 500}`, zip: String(10000 + (i % 89999)), note: 'ring "twice"\nthen wait' },
  };
}

function writeInputs(dir: string, n: number): { array: string; ndjson: string } {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify(record(i)));
  const array = path.join(dir, 'records.json');
  const ndjson = path.join(dir, 'records.ndjson');
  writeFileSync(array, `[\n${lines.join(',\n')}\n]\n`);
  writeFileSync(ndjson, `${lines.join('\n')}\n`);
  return { array, ndjson };
}

const CHUNK = 64 * 1024;

async function viaSluice(file: string, scanner: JsonChunkScanner<{ text: string }>, parse: boolean): Promise<number> {
  let n = 0;
  const out: { text: string }[] = [];
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK })) {
    scanner.push(chunk as string, out);
    for (const r of out) if (!parse || JSON.parse(r.text)) n++;
    out.length = 0;
  }
  scanner.end(out);
  return n + out.length;
}

async function viaStreamJson(file: string, stages: StreamFactory[]): Promise<number> {
  let stream: NodeJS.ReadableStream = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK });
  for (const stage of stages) stream = stream.pipe(stage());
  let n = 0;
  stream.on('data', (item: { value: unknown }) => {
    if (item.value) n++;
  });
  await finished(stream);
  return n;
}

interface Case {
  readonly label: string;
  readonly file: 'array' | 'ndjson';
  readonly run: (file: string) => Promise<number>;
}

const CASES: Case[] = [
  { label: 'json-reader + JSON.parse (array)', file: 'array', run: (f) => viaSluice(f, jsonArrayScanner(''), true) },
  { label: 'json-reader scan only (array)', file: 'array', run: (f) => viaSluice(f, jsonArrayScanner(''), false) },
  {
    label: 'stream-json parser+streamArray',
    file: 'array',
    run: (f) => viaStreamJson(f, [() => parser(), streamArray]),
  },
  {
    // Its README's advice for speed: packed values only, no per-chunk string tokens.
    label: 'stream-json, streamValues: false',
    file: 'array',
    run: (f) => viaStreamJson(f, [() => parser({ streamValues: false }), streamArray]),
  },
  { label: 'lineSplitter + JSON.parse (ndjson)', file: 'ndjson', run: (f) => viaSluice(f, lineSplitter(), true) },
  { label: 'stream-json jsonl parser (ndjson)', file: 'ndjson', run: (f) => viaStreamJson(f, [jsonlParser]) },
];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 500_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-json-bench-'));
  try {
    const files = writeInputs(dir, n);
    const times = new Map<string, number[]>(CASES.map((c) => [c.label, []]));
    for (let round = 0; round < 3; round++) {
      for (const c of CASES) {
        const t0 = performance.now();
        const got = await c.run(files[c.file]);
        times.get(c.label)!.push(performance.now() - t0);
        if (got !== n) throw new Error(`${c.label}: ${got} records, expected ${n}`);
      }
    }
    console.log(
      `${n.toLocaleString('en-US')} records; array ${mb(statSync(files.array).size)} MB, ndjson ${mb(statSync(files.ndjson).size)} MB; median of 3`,
    );
    for (const c of CASES) {
      const ms = [...times.get(c.label)!].sort((a, b) => a - b)[1];
      const bytes = statSync(files[c.file]).size;
      console.log(
        `${c.label.padEnd(38)} ${(ms / 1000).toFixed(2).padStart(6)} s ${((bytes / 1e6 / ms) * 1000).toFixed(0).padStart(5)} MB/s ${Math.round(
          (n / ms) * 1000,
        )
          .toLocaleString('en-US')
          .padStart(10)} records/s`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);

void main();
