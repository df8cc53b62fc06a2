import { describe, expect, it } from 'vitest';
import { evolutionStatus, levelSlopePerHour, type LevelSample } from './evolution.js';

const NOW = Date.UTC(2026, 10, 1, 12);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const options = { nowMillis: NOW, windowMillis: HOUR, deadBandPerHour: 1, minSamples: 10 };

/** One sample every 10 s over the last hour, value = f(minutes before now). */
function series(f: (minutesAgo: number, i: number) => number, everyMillis = 10_000, spanMillis = HOUR): LevelSample[] {
  const out: LevelSample[] = [];
  for (let t = spanMillis - everyMillis, i = 0; t >= 0; t -= everyMillis, i++) {
    out.push({ atMillis: NOW - t, value: f(t / MINUTE, i) });
  }
  return out;
}

/** Deterministic noise in [-amplitude, amplitude]. */
function noise(amplitude: number): () => number {
  let state = 12345;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 * amplitude - amplitude;
  };
}

describe('evolutionStatus', () => {
  it('a level rising 5 points an hour is growing', () => {
    const samples = series((minutesAgo) => 50 - (5 * minutesAgo) / 60);
    expect(levelSlopePerHour(samples, options)).toBeCloseTo(5, 6);
    expect(evolutionStatus(samples, options)).toBe('growing');
  });

  it('a level falling 3 points an hour is declining', () => {
    const samples = series((minutesAgo) => 70 + (3 * minutesAgo) / 60);
    expect(levelSlopePerHour(samples, options)).toBeCloseTo(-3, 6);
    expect(evolutionStatus(samples, options)).toBe('declining');
  });

  it('a flat level with +-2 points of noise is stable', () => {
    const n = noise(2);
    const samples = series(() => 60 + n());
    expect(Math.abs(levelSlopePerHour(samples, options)!)).toBeLessThan(1);
    expect(evolutionStatus(samples, options)).toBe('stable');
  });

  it('a slope inside the dead band is stable, just outside it is not', () => {
    const slow = series((minutesAgo) => 40 - (0.9 * minutesAgo) / 60);
    expect(evolutionStatus(slow, options)).toBe('stable');
    const faster = series((minutesAgo) => 40 - (1.1 * minutesAgo) / 60);
    expect(evolutionStatus(faster, options)).toBe('growing');
  });

  it('gaps: a rise with the middle 40 minutes missing is still growing, at the right rate', () => {
    const samples = series((minutesAgo) => 20 - (6 * minutesAgo) / 60).filter(
      (s) => s.atMillis < NOW - 50 * MINUTE || s.atMillis > NOW - 10 * MINUTE,
    );
    expect(levelSlopePerHour(samples, options)).toBeCloseTo(6, 6);
    expect(evolutionStatus(samples, options)).toBe('growing');
  });

  it('is unknown with fewer than minSamples in the window, or all at one instant', () => {
    const few = series((m) => 100 - m).slice(-9);
    expect(evolutionStatus(few, options)).toBe('unknown');
    expect(evolutionStatus(series((m) => 100 - m).slice(-10), options)).toBe('growing');
    const sameTime = Array.from({ length: 20 }, (_, i) => ({ atMillis: NOW, value: i }));
    expect(evolutionStatus(sameTime, options)).toBe('unknown');
    expect(evolutionStatus([], options)).toBe('unknown');
  });

  it('only samples inside the window count: an old decline does not outweigh a recent rise', () => {
    const old = series((m) => 90 - m, 10_000, HOUR).map((s) => ({ ...s, atMillis: s.atMillis - 2 * HOUR }));
    const recent = series((minutesAgo) => 10 - (2 * minutesAgo) / 60);
    expect(evolutionStatus([...old, ...recent], options)).toBe('growing');
    // Samples from the future (a clock step back) are ignored too.
    expect(evolutionStatus([...recent, { atMillis: NOW + HOUR, value: 0 }], options)).toBe('growing');
  });
});
