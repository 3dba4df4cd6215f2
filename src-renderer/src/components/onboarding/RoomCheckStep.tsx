import type { ReactElement } from 'react';
import { useDevices } from '../../hooks/use-devices';
import { RoomCheckPanel } from '../settings/RoomCheckPanel';
import { NoLiveAudio } from './NoLiveAudio';

/** After the speaker: does hands-free work here, or are headphones better? */
export function RoomCheckStep(): ReactElement {
  const { devices, error: listError } = useDevices();
  if (devices === null && listError !== null) {
    return (
      <div className="onboarding-step">
        <h2 className="step-title">Check the room</h2>
        <NoLiveAudio what="speaker" reason={listError} />
      </div>
    );
  }
  return (
    <div className="onboarding-step">
      <h2 className="step-title">Check the room</h2>
      <p className="step-lead">
        Can you talk to Parley on these speakers, or are headphones better? Parley plays a short sound and measures how much of it your microphone hears. Keep the
        room quiet for a few seconds.
      </p>
      <RoomCheckPanel testId="onboarding-room-check" />
      <p className="field-hint">You can run this again any time in Settings › Audio.</p>
    </div>
  );
}
