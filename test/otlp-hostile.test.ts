import { fork, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyKindRequest, toProtobuf } from '../packages/agent/src/receivers/otlp/otlp-fixtures.test.helper.js';
import { post, streamChunks, type Reply } from '../packages/agent/src/receivers/otlp/otlp-http.test.helper.js';
import { REPO_ROOT } from './support/cli.js';

/*
 * The receiver is attacked from this process while it runs alone in a child, so its memory is measured
 * without the attacker's buffers: the kernel's peak-RSS mark (VmHWM) is reset before the attack and read after.
 */

const MiB = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json' };
const PROTOBUF_TYPE = { 'content-type': 'application/x-protobuf' };

let child: ChildProcess;
let port = 0;

function request<T>(message: object, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: { type?: string }): void => {
      if (reply.type !== type) return;
      child.off('message', onMessage);
      resolve(reply as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

const memory = () => request<{ rss: number; points: number }>({ type: 'gc' }, 'memory');

async function procStatus(field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
}

/** 1 GiB of zeros through one gzip stream, 16 MiB at a time: about 1 MiB out, never 1 GiB in memory. */
async function gzipBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9, chunkSize: MiB });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const zeros = Buffer.alloc(16 * MiB);
  for (let written = 0; written < 1024 * MiB; written += zeros.length) {
    if (!gzip.write(zeros)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(out);
}

/** A length-delimited protobuf field: tag, varint length, body. */
function field(tag: number, body: Buffer): Buffer {
  const length: number[] = [];
  let rest = body.length;
  while (rest > 127) {
    length.push((rest & 127) | 128);
    rest = Math.floor(rest / 128);
  }
  length.push(rest);
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/** One gauge point with a million string attributes (`k<i>` = `v`), protobuf-encoded by hand: about 15 MiB. */
function millionAttributesProtobuf(): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    // NumberDataPoint.attributes (7): KeyValue { key (1): "k<i>", value (2): AnyValue { string_value (1): "v" } }
    parts.push(
      field(0x3a, Buffer.concat([field(0x0a, Buffer.from(`k${i}`)), field(0x12, field(0x0a, Buffer.from('v')))])),
    );
  }
  const fixed64One = [1, 0, 0, 0, 0, 0, 0, 0];
  parts.push(Buffer.from([0x19, ...fixed64One, 0x31, ...fixed64One])); // time_unix_nano = 1, as_int = 1
  const metric = Buffer.concat([field(0x0a, Buffer.from('g')), field(0x2a, field(0x0a, Buffer.concat(parts)))]);
  return field(0x0a, field(0x12, field(0x12, metric)));
}

function millionAttributesJson(): Buffer {
  const attributes = Array.from({ length: 1_000_000 }, (_, i) => ({ key: `k${i}`, value: { stringValue: 'v' } }));
  const point = { timeUnixNano: '1', asInt: '1', attributes };
  return Buffer.from(
    JSON.stringify({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [point] } }] }] }],
    }),
  );
}

beforeAll(async () => {
  child = fork(path.join(REPO_ROOT, 'test/support/otlp-receiver-process.ts'), {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [listening] = (await once(child, 'message')) as [{ port: number }];
  port = listening.port;
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});

interface Round {
  replies: Record<string, Reply>;
  good: Reply;
}

/** Every attack at once, and a well-behaved request sent while they are in flight. */
async function attackRound(bodies: {
  bomb: Buffer;
  million: Buffer;
  millionJson: Buffer;
  valid: Buffer;
}): Promise<Round> {
  const attacks: Record<string, Promise<Reply>> = {
    gzipBomb: post({ port, headers: { ...PROTOBUF_TYPE, 'content-encoding': 'gzip' }, body: bodies.bomb }),
    chunkedOverLimit: post({ port, headers: JSON_TYPE, body: streamChunks(64 * MiB) }),
    truncatedProtobuf: post({ port, headers: PROTOBUF_TYPE, body: bodies.valid.subarray(0, bodies.valid.length - 7) }),
    deepJson: post({ port, headers: JSON_TYPE, body: Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)) }),
    millionAttributes: post({ port, headers: PROTOBUF_TYPE, body: bodies.million }),
    millionAttributesJson: post({ port, headers: JSON_TYPE, body: bodies.millionJson }),
  };
  await new Promise((resolve) => setTimeout(resolve, 20));
  const good = await post({ port, headers: PROTOBUF_TYPE, body: bodies.valid });
  const entries = await Promise.all(Object.entries(attacks).map(async ([name, reply]) => [name, await reply] as const));
  return { replies: Object.fromEntries(entries), good };
}

const EXPECTED_STATUS = {
  gzipBomb: 413,
  chunkedOverLimit: 413,
  truncatedProtobuf: 400,
  deepJson: 400,
  millionAttributes: 400,
  millionAttributesJson: 413,
};

describe('OTLP receiver under attack', () => {
  it('answers every hostile body with its 4xx within 1 s, memory bounded, while a good client gets 200', async () => {
    const bodies = {
      bomb: await gzipBomb(),
      million: millionAttributesProtobuf(),
      millionJson: millionAttributesJson(),
      valid: toProtobuf(everyKindRequest()),
    };
    expect(bodies.bomb.length).toBeLessThan(2 * MiB);
    expect(bodies.million.length).toBeLessThan(20 * MiB);
    expect(bodies.millionJson.length).toBeGreaterThan(20 * MiB);

    const before = await memory();
    const rounds: Array<Round & { peakGrowth: number; growthAfter: number }> = [];
    for (let i = 0; i < 2; i++) {
      await writeFile(`/proc/${child.pid}/clear_refs`, '5'); // resets VmHWM, the peak RSS, to the current RSS
      const round = await attackRound(bodies);
      const peak = await procStatus('VmHWM');
      const after = await memory();
      rounds.push({ ...round, peakGrowth: peak - before.rss, growthAfter: after.rss - before.rss });
    }
    const after = await memory();

    const toMiB = (bytes: number) => Math.round(bytes / MiB);
    console.log(
      'otlp-hostile',
      JSON.stringify({
        rssBeforeMiB: toMiB(before.rss),
        rounds: rounds.map((round) => ({
          millis: Object.fromEntries(Object.entries(round.replies).map(([name, r]) => [name, Math.round(r.millis)])),
          goodMillis: Math.round(round.good.millis),
          peakGrowthMiB: toMiB(round.peakGrowth),
          growthAfterGcMiB: toMiB(round.growthAfter),
        })),
      }),
    );

    for (const round of rounds) {
      const statuses = Object.fromEntries(Object.entries(round.replies).map(([name, r]) => [name, r.status]));
      expect(statuses).toEqual(EXPECTED_STATUS);
      for (const reply of Object.values(round.replies)) expect(reply.millis).toBeLessThan(1_000);
      expect(round.good.status).toBe(200);
      // At most max_request_body_size (20 MiB) is buffered per request in flight, and nothing decoded is kept:
      // each round peaks well under 160 MiB, and the second ends no higher than that bound either.
      expect(round.peakGrowth).toBeLessThan(160 * MiB);
      expect(round.growthAfter).toBeLessThan(160 * MiB);
    }
    expect(after.points).toBe(12);
  });

  it('exits by itself after SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
