/**
 * v2 allows one active response at a time. A response.create asked for while one is active is
 * deferred until that response is done or cancelled. The server's answer to a rejected
 * response.create is an `error` naming its `event_id`, so the gate hears about exactly its own
 * requests: "already has an active response" (a response the server started itself, e.g. by
 * server VAD, not yet announced) re-arms the deferral; any other refusal reopens the gate so a
 * later request is not lost. Errors about other requests never touch it.
 */
export class ResponseGate {
  private active = false;
  private pending = false;

  constructor(private readonly sendResponseCreate: () => void) {}

  request(): void {
    if (this.active) {
      this.pending = true;
      return;
    }
    this.active = true;
    this.sendResponseCreate();
  }

  onResponseCreated(): void {
    this.active = true;
  }

  onResponseFinished(): void {
    this.active = false;
    if (!this.pending) return;
    this.pending = false;
    this.request();
  }

  /** Our response.create was refused because a response is active: ask again when it is done. */
  onActiveResponseError(): void {
    this.active = true;
    this.pending = true;
  }

  /** Our response.create was refused for another reason: no response is coming from it. */
  onCreateRejected(): void {
    this.active = false;
    if (!this.pending) return;
    this.pending = false;
    this.request();
  }

  /** A response was asked for or is active (as far as this gate knows), or one waits to be asked. */
  get isBusy(): boolean {
    return this.active || this.pending;
  }

  get isDeferring(): boolean {
    return this.pending;
  }

  reset(): void {
    this.active = false;
    this.pending = false;
  }
}
