import { listenNode, runServer } from 'portcullis-example-shared';
import { buildApp } from './app';

runServer('express', async (demo, settings) => listenNode(buildApp(demo), settings));
