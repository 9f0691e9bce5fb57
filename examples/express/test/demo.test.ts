import { demoSuite } from '../../shared/src/testing/demo-suite';

demoSuite('express', new URL('..', import.meta.url));
