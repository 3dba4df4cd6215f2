// A meter's value (0..100) from the levels stream, redrawn at most once per animation frame.
import { useEffect, useState } from 'react';
import type { LevelsEvent } from '../../../src-shared/ipc-contract';
import { dbfsToPercent } from '../state/level-scale';
import { useStore } from './store-context';

export type LevelChannel = 'input' | 'output';

function percentOf(levels: LevelsEvent, channel: LevelChannel): number {
  return dbfsToPercent(channel === 'input' ? levels.input.rmsDbfs : levels.output.rmsDbfs);
}

export function useLevelPercent(channel: LevelChannel): number {
  const { levels } = useStore();
  const [percent, setPercent] = useState(() => percentOf(levels.current, channel));
  useEffect(() => {
    let frame: number | null = null;
    const draw = () => {
      frame = null;
      setPercent(percentOf(levels.current, channel));
    };
    const unsubscribe = levels.subscribe(() => {
      frame ??= requestAnimationFrame(draw);
    });
    draw();
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [levels, channel]);
  return percent;
}
