import { createApiHandler } from '#shared/http/handler';
import { module } from './routes';

/** Also serves API Gateway's `$default` route: anything unmatched gets the API's 404 body. */
export const handler = createApiHandler(module);
