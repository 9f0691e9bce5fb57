import { demoSuite } from '../../shared/src/testing/demo-suite';

demoSuite('koa', new URL('..', import.meta.url));
