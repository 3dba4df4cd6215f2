/**
 * v2 allows one active response at a time. A response.create asked for while one is active is
 * deferred until that response is done or cancelled; the server's "already has an active
 * response" error just means the same and re-arms the deferral. Any other error while our own
 * response.create awaits its response.created most likely rejected it: the gate opens again so
 * a later request is not lost (if the error was unrelated, the worst case is one more
 * response.create, which the server answers with the benign error).
 */
export class ResponseGate {
  private active = false;
  private pending = false;
  private awaitingCreated = false;

  constructor(private readonly sendResponseCreate: () => void) {}

  request(): void {
    if (this.active) {
      this.pending = true;
      return;
    }
    this.active = true;
    this.awaitingCreated = true;
    this.sendResponseCreate();
  }

  onResponseCreated(): void {
    this.active = true;
    this.awaitingCreated = false;
  }

  onResponseFinished(): void {
    this.active = false;
    this.awaitingCreated = false;
    if (!this.pending) return;
    this.pending = false;
    this.request();
  }

  onActiveResponseError(): void {
    this.active = true;
    this.awaitingCreated = false;
    this.pending = true;
  }

  onOtherError(): void {
    if (!this.awaitingCreated) return;
    this.awaitingCreated = false;
    this.active = false;
    if (!this.pending) return;
    this.pending = false;
    this.request();
  }

  get isDeferring(): boolean {
    return this.pending;
  }

  reset(): void {
    this.active = false;
    this.pending = false;
    this.awaitingCreated = false;
  }
}
