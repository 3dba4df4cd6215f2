import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Logger } from '../../../core/util/logger';
import { signalProcessGroup, spawnGroupLeader, stopProcessGroup } from '../process-group';
import type { ProcessGroupWatchdog } from '../process-group-watchdog';

/**
 * One ACP agent program, started without a shell, its stdio being the protocol. As with the
 * command backend, on POSIX it leads its own process group, a watchdog process stops that group
 * if Parley dies, and stop() ends the whole group (SIGTERM, SIGKILL after a grace period) so no
 * tool the agent started outlives it. Only the last few KB of stderr are kept, for messages.
 */

/** Time between SIGTERM and SIGKILL when stopping the agent. */
export const ACP_KILL_GRACE_MS = 2_000;
const STDERR_TAIL_MAX_CHARS = 8_192;
/** How often a stopping group is checked for leftovers. */

export interface AgentExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT: not installed). */
  readonly spawnError: NodeJS.ErrnoException | undefined;
  /** True when Parley asked it to stop. */
  readonly stopped: boolean;
}

export interface AgentProcessSettings {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly watchdog: boolean;
  readonly logger: Logger;
}

export class AgentProcess {
  readonly child: ChildProcess;
  /** Resolves once the program has exited (or never started). */
  readonly exited: Promise<AgentExit>;
  /** Resolves once nothing is left of its process group. */
  readonly groupStopped: Promise<void>;
  private stderrTail = '';
  private stopRequested = false;
  private spawnError: NodeJS.ErrnoException | undefined;
  private watchdog: ProcessGroupWatchdog | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private resolveGroupStopped!: () => void;
  private hasExited = false;

  constructor(settings: AgentProcessSettings) {
    this.groupStopped = new Promise((resolve) => (this.resolveGroupStopped = resolve));
    ({ child: this.child, watchdog: this.watchdog } = spawnGroupLeader({
      ...settings,
      killGraceMs: ACP_KILL_GRACE_MS,
      what: 'the ACP agent',
    }));
    const decoder = new StringDecoder('utf8');
    this.child.stderr?.on('data', (chunk: Buffer) => this.keepStderr(decoder.write(chunk)));
    // A dying agent closes its pipes: EPIPE on a last write is not news.
    this.child.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.child.pid !== undefined) return; // a failed kill, not a failed start
        this.spawnError = error;
        this.hasExited = true;
        this.resolveGroupStopped();
        resolve({ code: null, signal: null, spawnError: error, stopped: this.stopRequested });
      });
      this.child.once('exit', (code, signal) => {
        this.hasExited = true;
        if (this.killTimer) clearTimeout(this.killTimer);
        this.stopGroup();
        resolve({ code, signal, spawnError: this.spawnError, stopped: this.stopRequested });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** The end of what the agent wrote to stderr (not redacted: callers redact before showing). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Ends stdin, SIGTERMs the group, SIGKILLs it after the grace period. Idempotent. */
  stop(): Promise<void> {
    this.stopRequested = true;
    if (!this.hasExited && !this.killTimer) {
      this.child.stdin?.end();
      this.signal('SIGTERM');
      this.killTimer = setTimeout(() => this.signal('SIGKILL'), ACP_KILL_GRACE_MS);
    }
    return Promise.all([this.exited, this.groupStopped]).then(() => undefined);
  }

  private keepStderr(text: string): void {
    this.stderrTail += text;
    if (this.stderrTail.length > STDERR_TAIL_MAX_CHARS) {
      // Cut at a line start: a cut first line could hold the end of a secret no rule recognises.
      const tail = this.stderrTail.slice(-STDERR_TAIL_MAX_CHARS);
      this.stderrTail = tail.slice(tail.search(/\r|\n|$/));
    }
  }

  /** The agent has exited: SIGTERM what is left of its group, SIGKILL after the grace period. */
  private stopGroup(): void {
    stopProcessGroup(this.child.pid, ACP_KILL_GRACE_MS, () => {
      this.watchdog?.release();
      this.resolveGroupStopped();
    });
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (process.platform !== 'win32' && signalProcessGroup(pid, signal)) return;
    try {
      this.child.kill(signal);
    } catch {
      // already gone
    }
  }
}

