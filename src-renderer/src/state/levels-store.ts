// The latest audio levels. They arrive 20+ times a second, so they live outside the app state:
// meters read them through useLevelPercent, which redraws at most once per animation frame.
import type { LevelsEvent } from '../../../src-shared/ipc-contract';

type Listener = () => void;

export const SILENT_LEVELS: LevelsEvent = {
  input: { rmsDbfs: -Infinity, peakDbfs: -Infinity },
  output: { rmsDbfs: -Infinity },
};

export class LevelsStore {
  private latest: LevelsEvent = SILENT_LEVELS;
  private readonly listeners = new Set<Listener>();

  get current(): LevelsEvent {
    return this.latest;
  }

  push(levels: LevelsEvent): void {
    this.latest = levels;
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
