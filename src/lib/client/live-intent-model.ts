// The brand's learned intent model as the processor last saved it, kept live: each save (at most
// once a minute while it learns) replaces the one shown.
import type { IntentModelSummary } from '$lib/shared/intent-model';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export class LiveIntentModel {
  #models: LiveCollection<'intent_model', IntentModelSummary>;

  constructor(deps: { connection: LiveConnection; initial: IntentModelSummary | null }) {
    this.#models = new LiveCollection({
      connection: deps.connection,
      event: 'intent_model',
      initial: deps.initial ? [deps.initial] : [],
      key: (model) => model.brand_id,
      snapshot: () => readApi.intentModel().then((model) => (model ? [model] : [])),
      delta: (model) => ({ upsert: model }),
    });
  }

  get model(): IntentModelSummary | null {
    return this.#models.rows[0] ?? null;
  }
}
