import { demoSuite } from '../../shared/src/testing/demo-suite';

demoSuite('fastify', new URL('..', import.meta.url));
