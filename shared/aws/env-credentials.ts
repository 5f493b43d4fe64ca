/**
 * The AWS credential provider of the Lambda bundles: lib/bundling.ts substitutes this module for
 * `@aws-sdk/credential-provider-node`, the SDK's default chain, when it bundles a function.
 *
 * Lambda hands every function its role's credentials in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), which is the first link of that chain and the one
 * that answers there. The other links (profiles, SSO, web identity, credential processes, container
 * and instance metadata) can never answer in a function, yet they carry the STS, SSO and sign-in
 * clients: about 90 KB of every bundle. The local stack, the operator tools and the tests run from
 * source and keep the whole chain.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** Same signature as `@aws-sdk/credential-provider-node`'s `defaultProvider`, environment only. */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
