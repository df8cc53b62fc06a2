import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { PointsRateLimit } from './points-rate-limit.js';

describe('PointsRateLimit', () => {
  it('admits while the bucket holds points, and says when to come back once it is spent', () => {
    const clock = new ManualClock();
    const limit = new PointsRateLimit(100, clock);
    expect(limit.admit()).toEqual({ ok: true });
    limit.charge(60);
    expect(limit.admit()).toEqual({ ok: true });
    limit.charge(40);
    expect(limit.admit()).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.advance(500);
    expect(limit.admit()).toEqual({ ok: true });
  });

  it('lets one large request through after a quiet spell, then makes the senders wait off the debt', () => {
    const clock = new ManualClock();
    const limit = new PointsRateLimit(100, clock);
    expect(limit.admit()).toEqual({ ok: true });
    limit.charge(150);
    // 50 points of debt at 100/s: the bucket holds a point again after 0.51 s.
    expect(limit.admit()).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.advance(400);
    expect(limit.admit().ok).toBe(false);
    clock.advance(200);
    expect(limit.admit()).toEqual({ ok: true });
  });

  it('owes at most one second of points: one huge request does not lock everyone out for long', () => {
    const clock = new ManualClock();
    const limit = new PointsRateLimit(100, clock);
    limit.charge(1_000_000);
    expect(limit.admit()).toEqual({ ok: false, retryAfterSeconds: 2 });
    clock.advance(2_010);
    expect(limit.admit()).toEqual({ ok: true });
  });

  it('holds at most one second of points, however long the senders were quiet', () => {
    const clock = new ManualClock();
    const limit = new PointsRateLimit(100, clock);
    clock.advance(60_000);
    limit.charge(100);
    expect(limit.admit().ok).toBe(false);
  });

  it('ignores a clock that steps back', () => {
    const clock = { now: () => 5_000 };
    const limit = new PointsRateLimit(10, clock);
    limit.charge(10);
    clock.now = () => 1_000;
    expect(limit.admit()).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.now = () => 1_500;
    expect(limit.admit()).toEqual({ ok: true });
  });
});
