/**
 * The one way this app builds a Lambda function from TypeScript, so every function (the API modules
 * and the rollup consumer alike) gets the same runtime, architecture, bundling and logging.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { RemovalPolicy, Validations, type Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { acknowledgeManagedPolicy, acknowledgeWildcardResource } from './nag';

/** The project root (package.json, package-lock.json); function entries are resolved against it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda runtime of every function: the Node.js major version the handlers are tested on. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * esbuild emits ESM, but some bundled dependencies still call `require()` for Node built-ins; this
 * gives the bundle a real `require` bound to the module's own URL.
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface NodeFunctionOptions {
  /** Entry file relative to the project root, e.g. `functions/reference/index.ts`; exports `handler`. */
  entry: string;
  description: string;
  timeout: Duration;
  /** @default 512 */
  memorySize?: number;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** Keep the log group when the stack is deleted (prod). */
  retainLogs: boolean;
  /** X-Ray active tracing (switchable per environment; not offered for Lambda in the China regions). */
  tracing: boolean;
  /** Where failed asynchronous invocations go (the SMS function). */
  deadLetterQueue?: sqs.IQueue;
  /** Retries of a failed asynchronous invocation. */
  retryAttempts?: number;
}

/**
 * Builds a bundled Node.js function on arm64 with its own log group.
 *
 * Bundling runs the locally installed esbuild (never Docker), so `cdk synth` works offline.
 */
export function createNodeFunction(scope: Construct, id: string, options: NodeFunctionOptions): NodejsFunction {
  // An explicit log group rather than the implicit /aws/lambda/<name> one, so retention is declared.
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: options.logRetention,
    removalPolicy: options.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  const fn = new NodejsFunction(scope, id, {
    entry: join(PROJECT_ROOT, options.entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    description: options.description,
    memorySize: options.memorySize ?? 512,
    timeout: options.timeout,
    logGroup,
    tracing: options.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
    ...(options.deadLetterQueue ? { deadLetterQueueEnabled: true, deadLetterQueue: options.deadLetterQueue } : {}),
    ...(options.retryAttempts !== undefined ? { retryAttempts: options.retryAttempts } : {}),
    environment: {
      // Stack traces then point at the TypeScript sources through the bundled source map.
      NODE_OPTIONS: '--enable-source-maps',
      ...options.environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      minify: true,
      sourceMap: true,
      // Bundle the pinned SDK the tests run against, not whichever version the runtime ships.
      bundleAwsSDK: true,
      forceDockerBundling: false,
    },
  });

  acknowledgeManagedPolicy(
    fn,
    'service-role/AWSLambdaBasicExecutionRole',
    'The AWS managed basic execution policy only lets the function write its CloudWatch Logs; a hand-written copy would grant the same.',
  );
  if (options.tracing) {
    acknowledgeWildcardResource(fn, '*', 'X-Ray PutTraceSegments and PutTelemetryRecords accept no resource ARN; CDK adds them for active tracing.');
  }
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: `The handlers are built and tested for ${FUNCTION_RUNTIME.name}; a newer runtime is a deliberate, tested upgrade.`,
  });
  return fn;
}
