import { conditionHolds, conditionStillHolds } from './condition.js';
import type { AlertEvent, AlertRule, AlertState, AttributeValue, EventAlertRule, MetricAlertRule } from './rule.js';
import { increase, seriesKey, type SeriesStore } from './series-store.js';
import { renderSummary } from './summary.js';

export interface AlertEngineOptions {
  rules: readonly AlertRule[];
  /** A series not exported for this long is gone: a firing alert on it resolves. Default 5 minutes. */
  staleAfterMillis?: number;
}

export interface FiringAlert {
  alert: string;
  severity: AlertRule['severity'];
  series: Record<string, AttributeValue>;
  value: number | null;
  sinceMillis: number;
}

/** Where one rule stands for one series. `resolved` is an event, not a state: a resolved series is inactive. */
interface Episode {
  state: 'inactive' | 'pending' | 'firing';
  attributes: Record<string, AttributeValue>;
  /** When the condition started holding (pending) or the agent raised the alert. */
  sinceMillis: number;
  /** The last time the condition (with hysteresis) held; keep_firing_for counts from here. */
  lastHeldMillis: number;
  seenMillis: number;
  value: number | null;
  /** The firing event's summary; the resolved event repeats it, so the two pair up. */
  summary: string;
  lastPendingEventMillis: number | undefined;
}

const episodeId = (rule: string, key: string): string => `${rule}\u0000${key}`;

/**
 * The alert state machine, per rule and series: inactive -> pending (the condition holds, `for` not yet
 * over) -> firing -> resolved (back to inactive). Exactly one `firing` and one `resolved` event per episode;
 * `pending` is recorded at most once per `for` so a value flapping below `for` does not fill the files.
 * Pure: time comes in as `nowMillis`, events go out as return values.
 */
export class AlertEngine {
  readonly #rules = new Map<string, AlertRule>();
  readonly #staleAfterMillis: number;
  readonly #episodes = new Map<string, Episode>();

  constructor(options: AlertEngineOptions) {
    for (const rule of options.rules) this.#rules.set(rule.name, rule);
    this.#staleAfterMillis = options.staleAfterMillis ?? 5 * 60_000;
  }

  /** For `SeriesStore`: how much counter history each metric's `increase` rules need. */
  historyMillis(): Map<string, number> {
    const out = new Map<string, number>();
    for (const rule of this.#rules.values()) {
      if (rule.kind !== 'metric' || rule.function !== 'increase') continue;
      out.set(rule.metric, Math.max(out.get(rule.metric) ?? 0, rule.windowMillis));
    }
    return out;
  }

  /**
   * Picks up where the last run left off, from its events: an alert still firing stays firing (no second
   * `firing` event) until its series shows it is over or goes stale. One whose rule is gone resolves now.
   */
  restore(events: readonly AlertEvent[], nowMillis: number): AlertEvent[] {
    const latest = new Map<string, AlertEvent>();
    for (const event of events) latest.set(episodeId(event.alert, seriesKey(event.series)), event);
    const out: AlertEvent[] = [];
    for (const [id, event] of latest) {
      const at = Date.parse(event.at);
      const atMillis = Number.isFinite(at) ? Math.min(at, nowMillis) : nowMillis;
      const rule = this.#rules.get(event.alert);
      if (event.state === 'pending' && rule) {
        this.#episodes.set(id, { ...this.#blank(event, nowMillis), lastPendingEventMillis: atMillis });
      }
      if (event.state !== 'firing') continue;
      if (!rule) {
        out.push({ ...event, at: new Date(nowMillis).toISOString(), state: 'resolved' });
        continue;
      }
      this.#episodes.set(id, { ...this.#blank(event, nowMillis), state: 'firing', sinceMillis: atMillis });
    }
    return out;
  }

  /** Evaluates every metric rule on the store's latest values, and ends raised alerts that are due. */
  evaluate(store: SeriesStore, nowMillis: number): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const rule of this.#rules.values()) {
      if (rule.kind === 'event') this.#expireRaised(rule, nowMillis, out);
      else this.#evaluateRule(rule, store, nowMillis, out);
    }
    return out;
  }

  /** Fires an alert the agent detected itself; nothing if the rule is disabled or it is already firing. */
  raise(name: string, summary: string | undefined, nowMillis: number): AlertEvent[] {
    const rule = this.#rules.get(name);
    if (rule?.kind !== 'event') return [];
    const id = episodeId(name, seriesKey({}));
    if (this.#episodes.get(id)?.state === 'firing') return [];
    const episode: Episode = {
      state: 'firing',
      attributes: {},
      sinceMillis: nowMillis,
      lastHeldMillis: nowMillis,
      seenMillis: nowMillis,
      value: null,
      summary: renderSummary(summary ?? rule.summary, { value: null, attributes: {} }),
      lastPendingEventMillis: undefined,
    };
    this.#episodes.set(id, episode);
    return [this.#event(rule, 'firing', episode, nowMillis)];
  }

  firing(): FiringAlert[] {
    const out: FiringAlert[] = [];
    for (const [id, episode] of this.#episodes) {
      if (episode.state !== 'firing') continue;
      const rule = this.#rules.get(id.slice(0, id.indexOf('\u0000')));
      if (!rule) continue;
      out.push({
        alert: rule.name,
        severity: rule.severity,
        series: episode.attributes,
        value: episode.value,
        sinceMillis: episode.sinceMillis,
      });
    }
    return out;
  }

  #evaluateRule(rule: MetricAlertRule, store: SeriesStore, nowMillis: number, out: AlertEvent[]): void {
    type Current = { attributes: Record<string, AttributeValue>; value: number; seenMillis: number };
    const current = new Map<string, Current>();
    const matched = store.series(rule.metric).filter((s) => matches(s.attributes, rule.match));
    const valueOf = (s: (typeof matched)[number]): number =>
      rule.function === 'increase' ? increase(s.history, nowMillis, rule.windowMillis) : s.value;
    if (rule.aggregate === 'sum') {
      const attributes = { ...rule.match };
      if (matched.length > 0) {
        const seenMillis = Math.max(...matched.map((s) => s.seenMillis));
        current.set(seriesKey(attributes), { attributes, value: sum(matched.map(valueOf)), seenMillis });
      }
    } else {
      for (const s of matched) {
        current.set(seriesKey(s.attributes), { attributes: s.attributes, value: valueOf(s), seenMillis: s.seenMillis });
      }
    }

    for (const [key, { attributes, value, seenMillis }] of current) {
      const id = episodeId(rule.name, key);
      let episode = this.#episodes.get(id);
      if (!episode) this.#episodes.set(id, (episode = this.#blank({ series: attributes, value }, nowMillis)));
      episode.attributes = attributes;
      episode.value = value;
      // When the series was last exported, not evaluated: the store keeps a silent series until it is stale.
      episode.seenMillis = seenMillis;
      const event = this.#step(rule, episode, value, nowMillis);
      if (event) out.push(event);
    }

    const prefix = episodeId(rule.name, '');
    for (const [id, episode] of this.#episodes) {
      if (!id.startsWith(prefix) || current.has(id.slice(prefix.length))) continue;
      if (nowMillis - episode.seenMillis <= this.#staleAfterMillis) continue;
      this.#episodes.delete(id);
      if (episode.state === 'firing') out.push(this.#event(rule, 'resolved', episode, nowMillis));
    }
  }

  #step(rule: MetricAlertRule, episode: Episode, value: number, nowMillis: number): AlertEvent | undefined {
    const { condition, threshold, hysteresis } = rule;
    switch (episode.state) {
      case 'inactive': {
        if (!conditionHolds(condition, value, threshold)) return undefined;
        episode.sinceMillis = nowMillis;
        episode.lastHeldMillis = nowMillis;
        if (rule.forMillis <= 0) return this.#fire(rule, episode, nowMillis);
        episode.state = 'pending';
        const last = episode.lastPendingEventMillis;
        if (last !== undefined && nowMillis - last < rule.forMillis) return undefined;
        episode.lastPendingEventMillis = nowMillis;
        return this.#event(rule, 'pending', episode, nowMillis);
      }
      case 'pending': {
        if (!conditionStillHolds(condition, value, threshold, hysteresis)) {
          episode.state = 'inactive';
          return undefined;
        }
        episode.lastHeldMillis = nowMillis;
        return nowMillis - episode.sinceMillis >= rule.forMillis ? this.#fire(rule, episode, nowMillis) : undefined;
      }
      case 'firing': {
        if (conditionStillHolds(condition, value, threshold, hysteresis)) {
          episode.lastHeldMillis = nowMillis;
          return undefined;
        }
        if (nowMillis - episode.lastHeldMillis < rule.keepFiringForMillis) return undefined;
        episode.state = 'inactive';
        return this.#event(rule, 'resolved', episode, nowMillis);
      }
    }
  }

  #fire(rule: MetricAlertRule, episode: Episode, nowMillis: number): AlertEvent {
    episode.state = 'firing';
    episode.summary = this.#render(rule, episode);
    return this.#event(rule, 'firing', episode, nowMillis);
  }

  #expireRaised(rule: EventAlertRule, nowMillis: number, out: AlertEvent[]): void {
    const id = episodeId(rule.name, seriesKey({}));
    const episode = this.#episodes.get(id);
    if (episode?.state !== 'firing' || nowMillis - episode.sinceMillis < rule.keepFiringForMillis) return;
    this.#episodes.delete(id);
    out.push(this.#event(rule, 'resolved', episode, nowMillis));
  }

  #blank(from: Pick<AlertEvent, 'series' | 'value'> & { summary?: string }, nowMillis: number): Episode {
    return {
      state: 'inactive',
      attributes: from.series,
      sinceMillis: nowMillis,
      lastHeldMillis: nowMillis,
      seenMillis: nowMillis,
      value: from.value,
      summary: from.summary ?? '',
      lastPendingEventMillis: undefined,
    };
  }

  #render(rule: MetricAlertRule, episode: Episode): string {
    return renderSummary(rule.summary, {
      value: episode.value,
      threshold: rule.threshold,
      attributes: episode.attributes,
    });
  }

  #event(rule: AlertRule, state: AlertState, episode: Episode, nowMillis: number): AlertEvent {
    const summary = state === 'pending' && rule.kind === 'metric' ? this.#render(rule, episode) : episode.summary;
    return {
      at: new Date(nowMillis).toISOString(),
      alert: rule.name,
      severity: rule.severity,
      state,
      summary,
      series: { ...episode.attributes },
      value: episode.value,
    };
  }
}

function matches(attributes: Record<string, AttributeValue>, match: Record<string, AttributeValue>): boolean {
  for (const [key, expected] of Object.entries(match)) {
    const actual = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
    if (actual === undefined || String(actual) !== String(expected)) return false;
  }
  return true;
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
