/** What the local stack tells its local-only routes (never present in the cloud). */
export interface LocalRuntime {
  /** Stream records captured but not yet rolled up. */
  pendingRecords(): number;
}

let runtime: LocalRuntime | undefined;

export function setLocalRuntime(next: LocalRuntime): void {
  runtime = next;
}

export function localRuntime(): LocalRuntime {
  if (!runtime) throw new Error('local runtime is not set: dev routes run on the local stack only');
  return runtime;
}
