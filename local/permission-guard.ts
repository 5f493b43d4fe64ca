/**
 * The cloud's least privilege, held locally too (docs/security.md, "Least privilege"): while a
 * module's handler runs, its table writes may touch only the partition-key prefixes its `permissions`
 * declare (functions/<module>/routes.ts) — the same list the CDK app turns into a `dynamodb:LeadingKeys`
 * condition (lib/constructs/permissions.ts). A write outside it fails here as IAM would fail it in the
 * cloud, so a module that starts writing a new kind of item without declaring it breaks the local
 * tests instead of the deployment.
 *
 * Attribution is by async context: the local HTTP server runs each handler inside {@link runAsModule};
 * work the local runtime does on its own behalf (the change capture delivering to the rollup, the SMS
 * topic stand-in) runs outside any module and is not checked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApiModule } from '#shared/http/route';

const current = new AsyncLocalStorage<ApiModule>();

/** Runs `work` as `module`: its table writes are checked against the module's declared prefixes. */
export function runAsModule<T>(module: ApiModule, work: () => Promise<T>): Promise<T> {
  return current.run(module, work);
}

/** Runs `work` outside any module (the local runtime's own work, such as a stand-in's delivery). */
export function runOutsideModules<T>(work: () => T): T {
  return current.exit(work);
}

/** The error a refused write throws, named as IAM's refusal is. */
export class LocalAccessDeniedError extends Error {
  constructor(module: string, action: string, pk: string) {
    super(`local permission guard: module ${module} may not ${action} an item of partition ${pk} (declare its prefix in functions/${module}/routes.ts permissions)`);
    this.name = 'AccessDeniedException';
  }
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

type AttributeMap = Record<string, { S?: string } | undefined> | undefined;

/** The partition keys a (marshalled) write command touches. */
function writtenPartitions(command: string, input: Record<string, unknown>): string[] {
  const pk = (item: AttributeMap) => item?.pk?.S;
  if (command === 'BatchWriteItemCommand') {
    const tables = (input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: AttributeMap }; DeleteRequest?: { Key: AttributeMap } }[]>;
    return Object.values(tables).flatMap((requests) => requests.map((request) => pk(request.PutRequest?.Item ?? request.DeleteRequest?.Key))).filter((value): value is string => Boolean(value));
  }
  if (command === 'TransactWriteItemsCommand') {
    const items = (input.TransactItems ?? []) as Record<string, { Item?: AttributeMap; Key?: AttributeMap }>[];
    return items.flatMap((item) => Object.values(item).map((operation) => pk(operation.Item ?? operation.Key))).filter((value): value is string => Boolean(value));
  }
  const value = pk((command === 'PutItemCommand' ? input.Item : input.Key) as AttributeMap);
  return value ? [value] : [];
}

/** Checks every table call `client` makes from now on against the module running it, if any. */
export function guardTableAccess(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const module = current.getStore();
      const command = context.commandName ?? '';
      if (module) {
        const table = module.permissions.table;
        if (READS.has(command) && !table?.read) throw new LocalAccessDeniedError(module.name, 'read', '(any)');
        if (WRITES.has(command)) {
          const allowed = table?.write;
          for (const pk of writtenPartitions(command, args.input as Record<string, unknown>)) {
            if (allowed !== 'any' && !(allowed ?? []).some((prefix) => pk.startsWith(prefix))) throw new LocalAccessDeniedError(module.name, 'write', pk);
          }
        }
      }
      return next(args);
    },
    // After the document client has marshalled its input (see local/change-capture.ts).
    { step: 'build', priority: 'high', name: 'localPermissionGuard' },
  );
}
