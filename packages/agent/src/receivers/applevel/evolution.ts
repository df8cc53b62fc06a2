export type Evolution = 'growing' | 'stable' | 'declining' | 'unknown';

/** The value `prism.app.level.evolution` carries for each known trend; `unknown` records nothing. */
export const EVOLUTION_VALUE: Record<Exclude<Evolution, 'unknown'>, number> = {
  growing: 1,
  stable: 0,
  declining: -1,
};

export interface LevelSample {
  atMillis: number;
  value: number;
}

export interface EvolutionOptions {
  nowMillis: number;
  /** Only samples taken in `(nowMillis - windowMillis, nowMillis]` count. */
  windowMillis: number;
  /** A slope (level points per hour) whose size is at most this is `stable`: noise is not a trend. */
  deadBandPerHour: number;
  /** Fewer samples in the window than this is `unknown`: a handful of points makes any slope. */
  minSamples: number;
}

const HOUR_MILLIS = 3_600_000;

/**
 * The trend of the level over the window: the least-squares slope of value against time, in level points per
 * hour. Least squares rather than first-versus-last so one odd sample at either end does not flip the trend,
 * and gaps (the app was down for a while) are handled by weighting each sample at its own time.
 */
export function evolutionStatus(samples: readonly LevelSample[], options: EvolutionOptions): Evolution {
  const slope = levelSlopePerHour(samples, options);
  if (slope === undefined) return 'unknown';
  if (Math.abs(slope) <= options.deadBandPerHour) return 'stable';
  return slope > 0 ? 'growing' : 'declining';
}

/** The least-squares slope in points per hour, or undefined when the window holds too few samples. */
export function levelSlopePerHour(
  samples: readonly LevelSample[],
  options: Pick<EvolutionOptions, 'nowMillis' | 'windowMillis' | 'minSamples'>,
): number | undefined {
  const { nowMillis, windowMillis, minSamples } = options;
  const inWindow = samples.filter(
    (s) => s.atMillis > nowMillis - windowMillis && s.atMillis <= nowMillis && Number.isFinite(s.value),
  );
  if (inWindow.length < Math.max(minSamples, 2)) return undefined;
  // Hours relative to now keep the sums small, so epoch milliseconds do not cost precision.
  const xs = inWindow.map((s) => (s.atMillis - nowMillis) / HOUR_MILLIS);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = inWindow.reduce((sum, s) => sum + s.value, 0) / inWindow.length;
  let covariance = 0;
  let variance = 0;
  inWindow.forEach((s, i) => {
    const dx = xs[i]! - meanX;
    covariance += dx * (s.value - meanY);
    variance += dx * dx;
  });
  // All samples at one instant: no time has passed, so there is no slope to speak of.
  if (variance === 0) return undefined;
  return covariance / variance;
}
