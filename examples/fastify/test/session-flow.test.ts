import { sessionFlowSuite } from '@portcullis/testing';
import {
  postgresFlowStores,
  redisFlowStores,
  sqliteFlowStores,
} from '../../shared/src/testing/session-flow-stores';

// The demo's session stores end to end, two instances sharing each (docs/sessions.md).
sessionFlowSuite({ name: 'SQLite', create: sqliteFlowStores });
sessionFlowSuite({ name: 'PostgreSQL', create: postgresFlowStores });
sessionFlowSuite({ name: 'Redis', create: redisFlowStores });
