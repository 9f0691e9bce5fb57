import { listenNode } from 'portcullis-example-shared';
import { demoLoggingSuite } from '../../shared/src/testing/demo-logging';
import { buildApp } from '../src/app';

demoLoggingSuite('koa', async (demo, settings) => listenNode(buildApp(demo).callback(), settings));
