// The seeded generator tests share with the models' synthetic data (mulberry32).
export { seededRandom } from '../../ingest/models/random';
