import { runServer } from 'portcullis-example-shared';
import { listenFastify } from './listen';

runServer('fastify', listenFastify);
