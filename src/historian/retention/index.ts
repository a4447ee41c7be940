// Retention per tag class: raw samples and rollups kept for different times per group of tags.
export { retentionSchema, type RetentionConfig } from './config.js';
export { planRetention, applyRetentionClasses, type RetentionStep } from './plan.js';
