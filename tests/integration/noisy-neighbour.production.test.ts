// The noisy-neighbour suite on the production back-ends: Kafka and ClickHouse
// from the integration project's global setup, under a topic prefix and a
// database of this run's own, both removed afterwards.
import { freshNames, productionEnv, productionServices, removeRunData } from '../support/production-backends';
import { noisyNeighbourSuite } from './noisy-neighbour.shared';

const services = productionServices(process.env);

noisyNeighbourSuite('production back-ends (Kafka, ClickHouse)', async () => {
  const names = freshNames('noisy');
  return { env: productionEnv(services, names), cleanup: () => removeRunData(services, names) };
});
