/**
 * Every API module: one Lambda function each in the cloud (entry `functions/<name>/index.ts`), all of
 * them behind the one local server. The CDK API, the local server and the OpenAPI document read this.
 */
import type { ApiModule } from '#shared/http/route';
import { module as reference } from './reference/routes';
import { module as docs } from './docs/routes';
import { module as auth } from './auth/routes';
import { module as dev } from './dev/routes';
import { module as accounts } from './accounts/routes';
import { module as uploads } from './uploads/routes';
import { module as institutions } from './institutions/routes';
import { module as ingest } from './ingest/routes';
import { module as statistics } from './statistics/routes';
import { module as dynamics } from './dynamics/routes';
import { module as reports } from './reports/routes';
import { module as audit } from './audit/routes';
import { module as supervision } from './supervision/routes';
import { module as dataQuality } from './data-quality/routes';

/** Deployed modules. */
export const API_MODULES: readonly ApiModule[] = [reference, docs, auth, accounts, uploads, institutions, ingest, statistics, dynamics, reports, audit, supervision, dataQuality];

/** Modules of the local stack only (every route `localOnly`); never deployed. */
export const LOCAL_MODULES: readonly ApiModule[] = [dev];

/** The module that answers API Gateway's `$default` route (unknown paths → the API's 404 body). */
export const FALLBACK_MODULE = 'reference';
