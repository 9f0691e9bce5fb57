import { createUserCli } from 'portcullis-example-shared';

createUserCli();
