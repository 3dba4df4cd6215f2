import type { ReactElement } from 'react';
import { AgentWorkingIndicator } from './AgentWorkingIndicator';
import { LevelMeter } from './LevelMeter';
import { MuteToggle } from './MuteToggle';
import { SessionToggle } from './SessionToggle';
import { StatusLine } from './StatusLine';
import { TalkButton } from './TalkButton';
import { TalkModeSelect } from './TalkModeSelect';
import { UsageMeter } from './UsageMeter';
import { CostMeter } from './CostMeter';
import { LatencyMeter } from './LatencyMeter';

export function ControlsBar(): ReactElement {
  return (
    <section className="controls-bar" aria-label="Voice controls">
      <div className="controls-group">
        <SessionToggle />
        <TalkButton />
        <MuteToggle />
        <TalkModeSelect />
      </div>
      <div className="controls-group controls-meters">
        <div className="meter-labelled">
          <span className="meter-caption" aria-hidden="true">
            Mic
          </span>
          <LevelMeter channel="input" label="Microphone level" testId="input-meter" />
        </div>
        <div className="meter-labelled">
          <span className="meter-caption" aria-hidden="true">
            Voice
          </span>
          <LevelMeter channel="output" label="Assistant voice level" testId="output-meter" />
        </div>
      </div>
      <div className="controls-group controls-status">
        <StatusLine />
        <AgentWorkingIndicator />
        <LatencyMeter />
        <UsageMeter />
        <CostMeter />
      </div>
    </section>
  );
}
