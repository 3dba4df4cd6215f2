// Shown instead of a microphone or speaker check when this Parley has no live audio (started with
// --no-audio, or the audio process could not start): devices.list answered with the reason, and
// claiming "the bar should move" or "play the test sound" would be untrue.
import type { ReactElement } from 'react';

export function NoLiveAudio({ what, reason }: { readonly what: 'microphone' | 'speaker'; readonly reason: string }): ReactElement {
  return (
    <div className="callout callout-info" data-testid="onboarding-no-audio">
      <strong>There is no {what} to check in this Parley.</strong> {reason}
    </div>
  );
}
