/**
 * `npm run admin -- <command>` (and `npm run demo-data`, `npm run import`, `npm run rollups`): the
 * operator commands of `tools/admin.ts`. Without a command it prints their usage.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Request logs of the local stack stay quiet unless asked for (set before anything imports the logger).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const { runAdminCommand } = await import('#tools/admin');
await runAdminCommand(process.argv.slice(2)).catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(1);
});

export {};
