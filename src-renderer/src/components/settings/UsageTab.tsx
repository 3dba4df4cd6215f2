import type { ReactElement } from 'react';
import { MAX_BUDGET_USD, pricingTableText } from '../../../../src-shared/budget-settings';
import { DEFAULT_PRICING, PRICES_TAKEN_ON } from '../../../../src-shared/pricing';
import { NumberField, TextAreaField } from '../common/fields';
import type { TabProps } from './tab-props';

/** Budget caps and the pricing table every reply and agent request is priced with. */
export function UsageTab({ draft, change, errorFor }: TabProps): ReactElement {
  return (
    <div className="settings-section">
      <h2 className="settings-heading">Budget</h2>
      <p className="settings-lead">At 80 % of a cap Parley warns you once; at the cap the session stops and no agent is started until you raise it. 0 means no cap.</p>
      <NumberField
        label="Budget per session"
        value={draft.budgetPerSessionUsd}
        onChange={(value) => change({ budgetPerSessionUsd: value })}
        min={0}
        max={MAX_BUDGET_USD}
        step={0.01}
        unit="USD"
        testId="setting-budgetPerSessionUsd"
        error={errorFor('budgetPerSessionUsd')}
      />
      <NumberField
        label="Budget per day"
        value={draft.budgetPerDayUsd}
        onChange={(value) => change({ budgetPerDayUsd: value })}
        min={0}
        max={MAX_BUDGET_USD}
        step={0.01}
        unit="USD"
        testId="setting-budgetPerDayUsd"
        hint="The local day: it starts again at midnight, and counts every session of the day."
        error={errorFor('budgetPerDayUsd')}
      />
      <h2 className="settings-heading">Pricing table</h2>
      <TextAreaField
        label="Pricing table"
        value={draft.pricingTable}
        onChange={(value) => change({ pricingTable: value })}
        rows={12}
        testId="setting-pricingTable"
        placeholder={pricingTableText(DEFAULT_PRICING)}
        hint={`JSON: for each model id, USD per 1M tokens (textInput, cachedTextInput, textOutput, and for voice models audioInput, cachedAudioInput, audioOutput). Empty: the built-in prices, taken from OpenAI's model pages on ${PRICES_TAKEN_ON}. A model without a row is shown as "no price".`}
        error={errorFor('pricingTable')}
      />
      {draft.pricingTable.trim() === '' && (
        <button type="button" className="link-button" data-testid="pricing-edit-defaults" onClick={() => change({ pricingTable: pricingTableText(DEFAULT_PRICING) })}>
          Start from the built-in prices
        </button>
      )}
    </div>
  );
}
