/** Why the privacy policy removed something. Stable strings: they appear in files and in `status`. */
export const DROP_REASONS = [
  'metric_not_in_policy',
  'metric_above_level',
  'attribute_not_in_policy',
  'attribute_above_level',
  'attribute_value_personal',
  'attribute_value_not_allowed',
  'attribute_value_too_long',
  'attribute_value_not_bucketable',
  'resource_attribute_not_in_policy',
  'scope_attribute_not_in_policy',
  'metric_type_mismatch',
  'data_point_unmergeable',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];
