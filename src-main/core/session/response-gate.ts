/**
 * v2 allows one active response at a time. A response.create asked for while one is active is
 * deferred until that response is done or cancelled; the server's "already has an active
 * response" error just means the same and re-arms the deferral.
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

  onActiveResponseError(): void {
    this.active = true;
    this.pending = true;
  }

  get isDeferring(): boolean {
    return this.pending;
  }

  reset(): void {
    this.active = false;
    this.pending = false;
  }
}
