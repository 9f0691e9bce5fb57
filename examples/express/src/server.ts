import { listenNode, runServer } from 'portcullis-example-shared';
import { buildApp, listener } from './app';

runServer('express', async (demo, settings) =>
  listenNode(listener(buildApp(demo), demo), settings),
);
