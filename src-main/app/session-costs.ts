// Settings → how a desktop session is priced and capped: the user's pricing table (or the
// defaults) and the budget caps; a cap the store would list as a problem counts as no cap.
import { isBudgetUsd, pricingTableFromText } from '../../src-shared/budget-settings';
import type { Settings } from '../../src-shared/ipc-contract';
import type { DaySpend } from '../adapters/usage/day-spend-file';
import type { BudgetCaps } from './cost-meter';
import type { VoiceRuntimeCosts } from './voice-runtime';

export function budgetCapsFrom(settings: Pick<Settings, 'budgetPerSessionUsd' | 'budgetPerDayUsd'>): BudgetCaps {
  return {
    sessionUsd: isBudgetUsd(settings.budgetPerSessionUsd) ? settings.budgetPerSessionUsd : 0,
    dayUsd: isBudgetUsd(settings.budgetPerDayUsd) ? settings.budgetPerDayUsd : 0,
  };
}

export function sessionCostsFrom(settings: Settings, daySpend: DaySpend): VoiceRuntimeCosts {
  return { pricing: pricingTableFromText(settings.pricingTable ?? ''), caps: budgetCapsFrom(settings), daySpend };
}
