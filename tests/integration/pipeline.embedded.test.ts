// The end-to-end pipeline suite on the embedded default: the in-process bus
// with its file log and a DuckDB file, both inside the run's data dir.
import { pipelineSuite } from './pipeline.shared';

pipelineSuite('pipeline on the embedded default (in-process bus, DuckDB)', async () => ({ env: {} }));
