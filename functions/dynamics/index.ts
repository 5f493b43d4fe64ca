import { createApiHandler } from '#shared/http/handler';
import { routes } from './routes';

export const handler = createApiHandler(routes);
