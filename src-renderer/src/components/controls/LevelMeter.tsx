import { memo, type ReactElement } from 'react';
import { useLevelPercent, type LevelChannel } from '../../hooks/use-level-percent';

interface LevelMeterProps {
  readonly channel: LevelChannel;
  readonly label: string;
  readonly testId: string;
  readonly size?: 'small' | 'large';
}

/** A horizontal bar meter: role="meter", 0..100 mapped from -60..0 dBFS. */
export const LevelMeter = memo(function LevelMeter({ channel, label, testId, size = 'small' }: LevelMeterProps): ReactElement {
  const percent = useLevelPercent(channel);
  return (
    <div
      className={`meter meter-${size}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
      data-testid={testId}
      title={label}
    >
      <div className="meter-fill" style={{ clipPath: `inset(0 ${100 - percent}% 0 0)` }} />
    </div>
  );
});
