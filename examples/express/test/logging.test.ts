import { listenNode } from 'portcullis-example-shared';
import { demoLoggingSuite } from '../../shared/src/testing/demo-logging';
import { buildApp } from '../src/app';

demoLoggingSuite('express', async (demo, settings) => listenNode(buildApp(demo), settings));
