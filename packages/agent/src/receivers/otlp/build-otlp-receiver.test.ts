import { describe, expect, it } from 'vitest';
import { otlpReceiverSchema } from '../../config/otlp-schema.js';
import { createMemoryLogger } from '../../component/logger.js';
import { buildOtlpReceiver } from './build-otlp-receiver.js';
import { post } from './otlp-http.test.helper.js';

describe('buildOtlpReceiver', () => {
  it('builds a receiver from its validated config', async () => {
    const config = { ...otlpReceiverSchema.parse({ endpoint: '127.0.0.1:4318' }), port: 0 };
    const receiver = buildOtlpReceiver('otlp/apps', config, {
      consume: async () => ({ rejectedDataPoints: 0 }),
      logger: createMemoryLogger(),
    });
    await receiver.start();
    const { port } = receiver.address();
    const reply = await post({ port, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
    expect(reply.status).toBe(200);
    await receiver.shutdown();
  });
});
