import { listenNode } from 'portcullis-example-shared';
import { demoLoggingSuite } from '../../shared/src/testing/demo-logging';
import { buildApp, listener } from '../src/app';

demoLoggingSuite('express', async (demo, settings) =>
  listenNode(listener(buildApp(demo), demo), settings),
);
