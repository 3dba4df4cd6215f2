// First run: API key → microphone → speaker → room check. Skip finishes too; either way onboardingDone is
// saved and the main window appears.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useStore } from '../../hooks/store-context';
import { ThemeToggle } from '../common/ThemeToggle';
import { ApiKeyStep } from './ApiKeyStep';
import { MicCheckStep } from './MicCheckStep';
import { RoomCheckStep } from './RoomCheckStep';
import { TestSoundStep } from './TestSoundStep';

const STEPS = ['API key', 'Microphone', 'Speaker', 'Room'] as const;

export function Onboarding(): ReactElement {
  const store = useStore();
  const [step, setStep] = useState(0);
  const [finishing, setFinishing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLDivElement | null>(null);
  const last = step === STEPS.length - 1;

  // Keyboard and screen-reader users land at the top of each new step.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const finish = async () => {
    setFinishing(true);
    const response = await attempt(() => store.api.settings.update({ onboardingDone: true }));
    setFinishing(false);
    if (!response.ok) setError(response.error.message);
  };

  return (
    <div className="onboarding" data-testid="onboarding">
      <header className="onboarding-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            P
          </span>
          <span className="brand-name">Welcome to Parley</span>
        </div>
        <ThemeToggle />
      </header>
      <main className="onboarding-main">
        <ol className="stepper" aria-label="Setup steps">
          {STEPS.map((name, index) => (
            <li key={name} className={index === step ? 'is-current' : index < step ? 'is-done' : ''} aria-current={index === step ? 'step' : undefined}>
              <span className="stepper-number" aria-hidden="true">
                {index < step ? '✓' : index + 1}
              </span>
              <span>{name}</span>
            </li>
          ))}
        </ol>
        <div className="onboarding-card" ref={headingRef} tabIndex={-1} aria-label={`Step ${step + 1} of ${STEPS.length}: ${STEPS[step]}`}>
          {step === 0 && <ApiKeyStep />}
          {step === 1 && <MicCheckStep />}
          {step === 2 && <TestSoundStep />}
          {step === 3 && <RoomCheckStep />}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="onboarding-actions">
          <button type="button" className="button button-ghost" data-testid="onboarding-skip" onClick={() => void finish()} disabled={finishing}>
            Skip setup
          </button>
          <div className="onboarding-actions-right">
            {step > 0 && (
              <button type="button" className="button" onClick={() => setStep(step - 1)} data-testid="onboarding-back">
                Back
              </button>
            )}
            {last ? (
              <button type="button" className="button button-primary" data-testid="onboarding-finish" onClick={() => void finish()} disabled={finishing}>
                {finishing ? 'Finishing…' : 'Finish'}
              </button>
            ) : (
              <button type="button" className="button button-primary" data-testid="onboarding-next" onClick={() => setStep(step + 1)}>
                Next
              </button>
            )}
          </div>
        </div>
      </main>
    </div>
  );
}
