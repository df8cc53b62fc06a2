import type { GoalResult } from './types.js';

export function ratioGoal(label: string, value: number, comparison: '>=' | '<=', target: number): GoalResult {
  return { kind: 'ratio', label, value, unit: 'x', comparison, target, pass: meets(value, comparison, target) };
}

export function deltaGoal(
  label: string,
  value: number,
  unit: string,
  comparison: '>=' | '<=',
  target: number,
): GoalResult {
  return { kind: 'delta', label, value, unit, comparison, target, pass: meets(value, comparison, target) };
}

function meets(value: number, comparison: '>=' | '<=', target: number): boolean {
  if (!Number.isFinite(value)) return false;
  return comparison === '>=' ? value >= target : value <= target;
}
