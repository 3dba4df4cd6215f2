// The history commands: list, export to Markdown, delete. Maps the recorder's files to the
// contract's plain summaries.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryExport, HistorySummary } from '../../src-shared/ipc-contract';
import { historyToMarkdown, listHistory, readHistory } from '../adapters/history/history-library';
import { HISTORY_FILE_SUFFIX } from '../adapters/history/history-recorder';

export class HistoryService {
  constructor(
    readonly directory: string,
    /** The session being recorded now: it cannot be deleted under the recorder. */
    private readonly currentSessionId: () => string | undefined,
  ) {}

  list(): HistorySummary[] {
    return listHistory(this.directory).map((summary) => ({
      sessionId: summary.sessionId,
      startedAt: new Date(summary.startedAt).toISOString(),
      endedAt: summary.endedAt === undefined ? null : new Date(summary.endedAt).toISOString(),
      entryCount: summary.transcriptEntries,
      handoffCount: summary.handoffs,
      preview: summary.title,
    }));
  }

  exportMarkdown(sessionId: string): HistoryExport {
    let records;
    try {
      records = readHistory(this.directory, sessionId);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`There is no saved session "${sessionId}".`, { cause: error });
      throw error;
    }
    return { fileName: `parley-${sessionId}.md`, markdown: historyToMarkdown(sessionId, records) };
  }

  delete(sessionId: string): void {
    if (sessionId === this.currentSessionId()) throw new Error('This session is still running: stop it before deleting its history.');
    try {
      rmSync(join(this.directory, `${sessionId}${HISTORY_FILE_SUFFIX}`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`There is no saved session "${sessionId}".`, { cause: error });
      throw error;
    }
  }
}
