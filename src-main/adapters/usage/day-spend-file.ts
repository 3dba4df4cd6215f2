// What the user spent today, kept across restarts: a small JSON file in the user data folder,
// `{ "2026-12-01": 1.8 }`, keyed by the local date. Private like the history (mode 600): what
// someone spends is their business. Written whole through a temporary file, so a crash leaves the
// old total or the new one, never half a file.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../../core/util/errors';
import { silentLogger, type Logger } from '../../core/util/logger';

export const DAY_SPEND_FILE_NAME = 'day-spend.json';
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_FOLDER_MODE = 0o700;
/** Days kept in the file: enough to look back a month, small enough to rewrite on every response. */
const DAYS_KEPT = 31;

/** USD spent per local day ("YYYY-MM-DD"). */
export interface DaySpend {
  spentOn(day: string): number;
  /** Adds `usd` to `day`; answers the day's new total. */
  add(day: string, usd: number): number;
}

/** The local calendar day of `at`: the day rolls over at local midnight, as the user's does. */
export function localDay(at: Date): string {
  const month = String(at.getMonth() + 1).padStart(2, '0');
  const day = String(at.getDate()).padStart(2, '0');
  return `${at.getFullYear()}-${month}-${day}`;
}

/** Kept in memory only (a test, or a run that asked for no file). */
export class MemoryDaySpend implements DaySpend {
  protected readonly days = new Map<string, number>();

  spentOn(day: string): number {
    return this.days.get(day) ?? 0;
  }

  add(day: string, usd: number): number {
    const total = this.spentOn(day) + usd;
    this.days.set(day, total);
    return total;
  }
}

export class DaySpendFile extends MemoryDaySpend {
  private broken = false;

  constructor(
    private readonly path: string,
    private readonly logger: Logger = silentLogger,
  ) {
    super();
    for (const [day, usd] of Object.entries(readDays(path, logger))) this.days.set(day, usd);
  }

  override add(day: string, usd: number): number {
    const total = super.add(day, usd);
    this.write();
    return total;
  }

  private write(): void {
    if (this.broken) return;
    const kept = [...this.days].sort(([a], [b]) => a.localeCompare(b)).slice(-DAYS_KEPT);
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: PRIVATE_FOLDER_MODE });
      writeFileSync(temporary, JSON.stringify(Object.fromEntries(kept)) + '\n', { mode: PRIVATE_FILE_MODE });
      // The mode of a created file passes the umask; this one is set as meant.
      chmodSync(temporary, PRIVATE_FILE_MODE);
      renameSync(temporary, this.path);
    } catch (error) {
      // The session goes on; today's total is still counted in memory.
      this.broken = true;
      this.logger.error('the day spending file could not be written', { file: this.path, error: errorMessage(error) });
    }
  }
}

function readDays(path: string, logger: Logger): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('the day spending file could not be read', { file: path, error: errorMessage(error) });
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object of days');
    const days: Record<string, number> = {};
    for (const [day, usd] of Object.entries(parsed)) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(day) && typeof usd === 'number' && Number.isFinite(usd) && usd >= 0) days[day] = usd;
    }
    return days;
  } catch (error) {
    logger.warn('the day spending file is not readable JSON; today starts from zero', { file: path, error: errorMessage(error) });
    return {};
  }
}
