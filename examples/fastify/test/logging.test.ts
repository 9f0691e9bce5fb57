import { demoLoggingSuite } from '../../shared/src/testing/demo-logging';
import { listenFastify } from '../src/listen';

demoLoggingSuite('fastify', listenFastify);
