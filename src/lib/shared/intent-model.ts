// What the dashboard shows of a brand's learned intent model (ingest/models/intent/learner.ts):
// its quality on the profiles held back from training, beside the fixed-weight baseline's on the
// same outcomes, and the weights it has learned. Written by the processor, read by the dashboard.

export interface CalibrationBin {
  /** 1 … 10, lowest predictions first. */
  decile: number;
  count: number;
  meanPredicted: number;
  /** Share of positive outcomes in the bin. */
  observedRate: number;
}

/** Forecast quality as stored: null where it cannot be known yet (no outcomes, one class only). */
export interface QualityFigures {
  count: number;
  positives: number;
  auc: number | null;
  brier: number | null;
  log_loss: number | null;
  calibration: CalibrationBin[];
}

export interface IntentModelWeight {
  feature: string;
  description: string;
  learned: number;
  /** Where the model started: the fixed weights scaled (docs/intent-model.md). */
  start: number;
}

export interface IntentModelSummary {
  brand_id: string;
  updated_at: string;
  /** Outcomes trained on. */
  trained: number;
  /** Share of profiles held back from training. */
  holdout_share: number;
  /** Days within which an order in the category counts as the forecast coming true. */
  horizon_days: number;
  learned: QualityFigures;
  baseline: QualityFigures;
  bias: number;
  weights: IntentModelWeight[];
  /** Predictions waiting for their outcome. */
  pending: number;
  /** Predictions dropped unlabelled (over the bound). */
  dropped: number;
  /** Set when the stored model could not be used and learning started again: why. */
  note: string | null;
}

/** One brand's stored model: the learner's state for the processor, the summary for the dashboard. */
export interface IntentModelRecord {
  brand_id: string;
  updated_at: string;
  /** JSON of IntentLearnerState. */
  state: string;
  summary: IntentModelSummary;
}
