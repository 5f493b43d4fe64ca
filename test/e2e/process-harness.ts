/**
 * `npm start` as a child process in a process group of its own (its stand-ins are in the same group),
 * for the tests that kill it, stop it with signals or watch it die: started on a data directory with
 * no demo data, on a free port, ready once it prints its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface StackProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole process group: the stack and its stand-ins die at once. */
  killGroup(): void;
}

/** Waits until `condition` holds, polling; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, condition: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Starts `bin/local.ts` on `dataDir` and resolves once it is ready (or rejects if it exits first). */
export async function startStackProcess(dataDir: string, env: Record<string, string> = {}, timeoutMs = 90_000): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DEMO_DATA: '0', SKIP_SITE_BUILD: '1', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  try {
    const url = await waitFor(
      'the stack to print its URL',
      () => {
        if (hasExited) throw new Error(`the stack exited before it was ready:\n${output}`);
        return /已启动: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      },
      timeoutMs,
    );
    return { url, pid: child.pid!, child, output: () => output, exited, killGroup };
  } catch (error) {
    killGroup();
    throw error;
  }
}

/** The process ids of a process's children (Linux: /proc). */
export async function childPids(pid: number): Promise<number[]> {
  const { readFile, readdir } = await import('node:fs/promises');
  const tasks = await readdir(`/proc/${pid}/task`);
  const pids: number[] = [];
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    pids.push(...text.split(/\s+/).filter(Boolean).map(Number));
  }
  return pids;
}

/** The command line of a process (Linux: /proc). */
export async function commandLine(pid: number): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
}

/** Runs a repository script (`bin/admin.ts …`) to its end; resolves with its exit code and output. */
export function runScript(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: REPO,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}
