import { createApiHandler } from '#shared/http/handler';
import { module } from './routes';

export const handler = createApiHandler(module);
