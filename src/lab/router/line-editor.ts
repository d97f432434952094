/**
 * The vty's line discipline, without I/O: typed bytes in, echo text and finished lines out.
 * CR, LF and CRLF each end exactly one line (Ansible sends CR, Netmiko LF, pastes CRLF), so a
 * CRLF must not leave an empty second line behind. Bytes are consumed only when a reader asks,
 * so typeahead stays queued while a command is still printing, and is echoed when read, as IOS does.
 */

export type LineEnd = 'eol' | 'ctrl-z' | 'ctrl-c';

export interface ReadLine {
  readonly text: string;
  readonly end: LineEnd;
}

const BACKSPACE = '\b';
const DELETE = '\x7f';
const CTRL_C = '\x03';
const CTRL_Z = '\x1a';
const ESCAPE = '\x1b';

export class LineEditor {
  private queue = '';
  /** Where reading resumes in `queue` (an index, so a pasted config is not copied once per byte). */
  private head = 0;
  private buffer = '';
  /** The last character consumed ended a line with CR: a following LF belongs to it. */
  private afterCr = false;
  /** Inside an escape sequence (arrow keys): swallowed until its final byte. */
  private escape = 0;

  push(data: string): void {
    this.queue = this.queue.slice(this.head) + data;
    this.head = 0;
  }

  get pending(): boolean {
    return this.head < this.queue.length;
  }

  /** The line typed so far (redrawn after a syslog message). */
  get partial(): string {
    return this.buffer;
  }

  /** True when nothing is typed ahead and no line is half typed. */
  get idle(): boolean {
    return !this.pending && this.buffer.length === 0;
  }

  /**
   * Consumes queued bytes until a line ends. `echo(text)` receives what the terminal shows.
   * Returns undefined when the queue ran dry first (the partial line is kept).
   */
  takeLine(echo: (text: string) => void, visible = true): ReadLine | undefined {
    for (let ch = this.next(); ch !== undefined; ch = this.next()) {
      if (this.escape > 0) {
        this.escape = this.escape === 1 && ch === '[' ? 2 : /[A-Za-z~]/.test(ch) || this.escape === 1 ? 0 : 2;
        continue;
      }
      if (ch === '\r' || ch === '\n') return this.finish('eol', '\r\n', echo);
      if (ch === CTRL_Z) return this.finish('ctrl-z', '^Z\r\n', echo);
      if (ch === CTRL_C) return this.finish('ctrl-c', '^C\r\n', echo);
      if (ch === ESCAPE) {
        this.escape = 1;
      } else if (ch === BACKSPACE || ch === DELETE) {
        if (this.buffer.length > 0) {
          this.buffer = this.buffer.slice(0, -1);
          if (visible) echo('\b \b');
        }
      } else if (ch === '\t' || ch >= ' ') {
        this.buffer += ch;
        if (visible) echo(ch);
      }
    }
    return undefined;
  }

  /** Consumes one key press (the pager's), or undefined when none is queued. A CRLF counts as one key. */
  takeKey(): string | undefined {
    return this.next();
  }

  /** The next queued character, the LF of a CRLF skipped: it belongs to the CR before it. */
  private next(): string | undefined {
    while (this.pending) {
      const ch = this.queue[this.head++] as string;
      if (this.afterCr && ch === '\n') {
        this.afterCr = false;
        continue;
      }
      this.afterCr = ch === '\r';
      return ch;
    }
    return undefined;
  }

  private finish(end: LineEnd, shown: string, echo: (text: string) => void): ReadLine {
    const text = this.buffer;
    this.buffer = '';
    echo(shown);
    return { text, end };
  }
}
