// stdout and stderr of the headless command, with at most one status line (the agent's progress)
// kept at the bottom of a terminal: any other output clears it first and draws it again after,
// so lines never run into it.

type Write = (text: string) => void;

/** Carriage return, then erase the whole line (ANSI EL2): the cursor is at column 0 of an empty line. */
export const CLEAR_LINE = '\r\u001b[2K';

export interface TerminalOutput {
  out(text: string): void;
  err(text: string): void;
  /** Shows (or replaces) the status line in place; undefined clears it. Only on a terminal. */
  status(text: string | undefined): void;
  /** True when stdout is a terminal, where a status line can be redrawn in place. */
  readonly isTerminal: boolean;
}

export function createTerminalOutput(stdout: Write, stderr: Write, isTerminal: boolean): TerminalOutput {
  let shown: string | undefined;
  const around = (write: Write) => (text: string) => {
    if (shown === undefined) {
      write(text);
      return;
    }
    stdout(CLEAR_LINE);
    write(text);
    stdout(shown);
  };
  return {
    out: around(stdout),
    err: around(stderr),
    isTerminal,
    status(text) {
      if (!isTerminal || text === shown) return;
      if (text === undefined) stdout(CLEAR_LINE);
      else stdout(CLEAR_LINE + text);
      shown = text;
    },
  };
}
