import { createApiHandler } from '#shared/http/handler';
import { module } from './routes';

/** The reports module's Lambda handler (报表导出). */
export const handler = createApiHandler(module);
