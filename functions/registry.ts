/**
 * Every API module: one Lambda function each in the cloud (entry `functions/<name>/index.ts`), all of
 * them behind the one local server. The CDK API, the local server and the OpenAPI document read this.
 */
import type { ApiModule } from '#shared/http/route';
import { routes as referenceRoutes } from './reference/routes';
import { routes as docsRoutes } from './docs/routes';
import { routes as authRoutes } from './auth/routes';
import { routes as devRoutes } from './dev/routes';
import { routes as accountRoutes } from './accounts/routes';
import { routes as uploadRoutes } from './uploads/routes';
import { routes as institutionRoutes } from './institutions/routes';
import { routes as ingestRoutes } from './ingest/routes';
import { routes as statisticsRoutes } from './statistics/routes';
import { routes as dynamicsRoutes } from './dynamics/routes';
import { routes as reportRoutes } from './reports/routes';

/** Deployed modules. */
export const API_MODULES: readonly ApiModule[] = [
  { name: 'reference', routes: referenceRoutes },
  { name: 'docs', routes: docsRoutes },
  { name: 'auth', routes: authRoutes },
  { name: 'accounts', routes: accountRoutes },
  { name: 'uploads', routes: uploadRoutes },
  { name: 'institutions', routes: institutionRoutes },
  { name: 'ingest', routes: ingestRoutes },
  { name: 'statistics', routes: statisticsRoutes },
  { name: 'dynamics', routes: dynamicsRoutes },
  { name: 'reports', routes: reportRoutes },
];

/** Modules of the local stack only (every route `localOnly`); never deployed. */
export const LOCAL_MODULES: readonly ApiModule[] = [{ name: 'dev', routes: devRoutes }];

/** The module that answers API Gateway's `$default` route (unknown paths → the API's 404 body). */
export const FALLBACK_MODULE = 'reference';
