/**
 * One render per frame at most. Anything that changes what is shown asks for a frame; requests within a
 * frame collapse into one `render()`; frames are spaced by `frameMs` (the sampling interval, and never
 * faster than 10 a second). While the terminal is behind (`blocked()`), frames wait rather than pile up.
 */
export class RenderScheduler {
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private pending = false;
  private stopped = false;
  /** Frames rendered, for tests and --debug-timings. */
  frames = 0;

  constructor(
    private readonly render: () => void,
    /** The frame spacing; the app sets it again when the refresh interval changes. */
    public frameMs: number,
    private readonly blocked: () => boolean = () => false,
  ) {}

  request(): void {
    if (this.stopped) return;
    this.pending = true;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.frameMs - Date.now());
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = null;
    if (!this.pending || this.stopped) return;
    if (this.blocked()) {
      this.timer = setTimeout(() => this.fire(), this.frameMs);
      return;
    }
    this.pending = false;
    this.last = Date.now();
    this.frames++;
    this.render();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
