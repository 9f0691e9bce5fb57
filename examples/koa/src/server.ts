import { listenNode, runServer } from 'portcullis-example-shared';
import { buildApp } from './app';

runServer('koa', async (demo, settings) => listenNode(buildApp(demo).callback(), settings));
