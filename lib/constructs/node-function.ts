/**
 * The one way this app builds a Lambda function from TypeScript, so every function (the API modules
 * and the rollup consumer alike) gets the same runtime, architecture, bundling and logging.
 */
import { join } from 'node:path';
import { RemovalPolicy, Validations, type Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { FUNCTION_BUNDLE, PROJECT_ROOT } from '../bundling';
import { acknowledgeManagedPolicy, acknowledgeWildcardResource } from './nag';

export { PROJECT_ROOT };

/** The Lambda runtime of every function: the Node.js major version the handlers are tested on. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * NodejsFunction's bundling for the shared esbuild options (lib/bundling.ts), option by option. An
 * option added there and not here fails the synth, so the CDK app cannot bundle differently from the
 * budget test and the bench.
 */
export function functionBundling(): BundlingOptions {
  const { platform, format, target, mainFields, minify, charset, sourcemap, sourcesContent, keepNames, banner, external, alias, ...rest } = FUNCTION_BUNDLE;
  const unmapped = Object.keys(rest);
  if (unmapped.length > 0) throw new Error(`lib/bundling.ts: no NodejsFunction equivalent for ${unmapped.join(', ')}`);
  if (platform !== 'node' || format !== 'esm' || charset !== 'utf8') throw new Error('lib/bundling.ts: NodejsFunction bundles ESM for Node.js, in UTF-8 here');
  return {
    format: OutputFormat.ESM,
    target,
    mainFields: [...mainFields],
    minify,
    sourceMap: sourcemap,
    sourcesContent,
    keepNames,
    banner,
    externalModules: [...external],
    esbuildArgs: {
      // NodejsFunction accepts `charset` but does not pass it to esbuild (aws-cdk-lib 2.276.0): say it here.
      '--charset': charset,
      ...Object.fromEntries(Object.entries(alias).map(([from, to]) => [`--alias:${from}`, to])),
    },
    // Bundle the pinned SDK the tests run against, not whichever version the runtime ships.
    bundleAwsSDK: true,
    forceDockerBundling: false,
  };
}

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
    // No NODE_OPTIONS=--enable-source-maps: loading the map made every module load take 8–23 % more
    // CPU (lib/bundling.ts); logged errors are mapped to the sources when they are logged instead.
    environment: options.environment,
    bundling: functionBundling(),
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
