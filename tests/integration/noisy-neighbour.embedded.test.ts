// The noisy-neighbour suite on the embedded default: in-process bus, DuckDB.
import { noisyNeighbourSuite } from './noisy-neighbour.shared';

noisyNeighbourSuite('embedded (in-process bus, DuckDB)', async () => ({ env: {} }));
