import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { consumeIntoPipelines, PipelineExportError, type PipelineEntry } from './consume-into-pipelines.js';
import { everyKindRequest } from './otlp-fixtures.test.helper.js';
import { toResourceMetrics } from './to-resource-metrics.js';

const [resource] = toResourceMetrics(everyKindRequest()).resourceMetrics;

function entry(rejectedDataPoints: number, code = ExportResultCode.SUCCESS): PipelineEntry & { calls: number } {
  return {
    calls: 0,
    async consume() {
      this.calls++;
      return { result: { code }, rejectedDataPoints };
    },
  };
}

describe('consumeIntoPipelines', () => {
  it('feeds every pipeline and reports as rejected only what all of them refused', async () => {
    const entries = [entry(5), entry(2), entry(3)];
    expect(await consumeIntoPipelines(entries)(resource!)).toEqual({ rejectedDataPoints: 2 });
    expect(entries.map((e) => e.calls)).toEqual([1, 1, 1]);
    expect(await consumeIntoPipelines([])(resource!)).toEqual({ rejectedDataPoints: 0 });
  });

  it('fails (so the sender retries) when an exporter failed, after every pipeline had its turn', async () => {
    const entries = [entry(0, ExportResultCode.FAILED), entry(0)];
    await expect(consumeIntoPipelines(entries)(resource!)).rejects.toBeInstanceOf(PipelineExportError);
    expect(entries[1]!.calls).toBe(1);
  });
});
