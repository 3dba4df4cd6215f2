// Prices what a voice session uses and keeps its budget. Every `usage` (a realtime response) and
// `agent.usage` (an agent request) is priced with the pricing table and followed by a `cost`
// event with the turn's, the session's and the local day's totals; at 80 % of a cap a `budget`
// warning (once per cap per session), at the cap a `budget` reached, after which the runtime stops
// the session and no agent is started. Both the desktop app and headless get it from the runtime.
import { agentCostOf, costOf, formatUsd, type PricingTable } from '../../src-shared/pricing';
import type { SessionEvent } from '../../src-shared/session-events';
import { localDay, type DaySpend } from '../adapters/usage/day-spend-file';

/** USD; 0 means no cap. */
export interface BudgetCaps {
  readonly sessionUsd: number;
  readonly dayUsd: number;
}

export const NO_BUDGET_CAPS: BudgetCaps = { sessionUsd: 0, dayUsd: 0 };
/** The share of a cap at which the user is warned. */
export const BUDGET_WARNING_SHARE = 0.8;
/** Sums of prices are floating point: $0.64 against 80 % of $0.80 (0.6400000000000001) is at it, not under. */
const MONEY_TOLERANCE_USD = 1e-9;

export type BudgetScope = 'session' | 'day';
type BudgetEvent = Extract<SessionEvent, { type: 'budget' }>;
type CostEvent = Extract<SessionEvent, { type: 'cost' }>;

export interface CostMeterOptions {
  readonly pricing: PricingTable;
  /** The realtime model the session's responses are priced as (the configured one). */
  readonly realtimeModel: string;
  readonly caps: BudgetCaps;
  readonly daySpend: DaySpend;
  /** The wall clock: the day total is the local day's (injected so tests can cross midnight). */
  readonly now: () => Date;
  /** How the user raises a cap here (desktop: the settings page; headless: its flags). */
  readonly raiseCapHint?: (scope: BudgetScope) => string;
}

const DEFAULT_RAISE_CAP_HINT = (): string => 'Raise the cap in Settings › Usage to go on.';

export class CostMeter {
  private caps: BudgetCaps;
  private session = 0;
  /** Cost so far of each response and handoff (a handoff's agent may make several requests). */
  private readonly turns = new Map<string, number>();
  private readonly warned = new Set<BudgetScope>();
  private reached = false;

  constructor(private readonly options: CostMeterOptions) {
    this.caps = options.caps;
  }

  get sessionUsd(): number {
    return this.session;
  }

  get dayUsd(): number {
    return this.options.daySpend.spentOn(localDay(this.options.now()));
  }

  /** A raised (or lowered) cap applies at once; a raised one lets a stopped session start again. */
  setCaps(caps: BudgetCaps): void {
    this.caps = caps;
    if (!this.capReached()) this.reached = false;
  }

  /** The events that follow `event`: its cost, then any budget warning or the cap reached. */
  observe(event: SessionEvent): SessionEvent[] {
    const priced = this.price(event);
    if (!priced) return [];
    return [priced, ...this.budgetEvents()];
  }

  /** The cap reached now, as a `budget` event; undefined while every cap has room. */
  capReached(): BudgetEvent | undefined {
    const spent = { session: this.session, day: this.dayUsd };
    for (const scope of ['session', 'day'] as const) {
      const cap = this.capOf(scope);
      if (cap > 0 && spent[scope] + MONEY_TOLERANCE_USD >= cap) return { type: 'budget', level: 'reached', scope, capUsd: cap, spentUsd: spent[scope], message: this.reachedMessage(scope, cap) };
    }
    return undefined;
  }

  /** For the handoff controller: why an agent may not start now (a cap is reached), told to the voice model. */
  declineReason(): string | undefined {
    const reached = this.capReached();
    if (!reached) return undefined;
    const which = reached.scope === 'session' ? `this session's budget of ${formatUsd(reached.capUsd)}` : `today's budget of ${formatUsd(reached.capUsd)}`;
    return `Parley's spending cap is reached (${which}), so this request was not delegated and the session is stopping. Tell the user briefly that the budget is spent and that they can raise it in Parley's settings.`;
  }

  private price(event: SessionEvent): CostEvent | undefined {
    let source: CostEvent['source'];
    let id: string;
    let model: string;
    let usd: number | undefined;
    if (event.type === 'usage') {
      source = 'response';
      id = event.responseId;
      model = this.options.realtimeModel;
      usd = costOf(event, model, this.options.pricing);
    } else if (event.type === 'agent.usage') {
      source = 'agent';
      id = event.handoffId;
      model = event.model;
      usd = agentCostOf(event, model, this.options.pricing);
    } else {
      return undefined;
    }
    const key = `${source}:${id}`;
    const turnUsd = (this.turns.get(key) ?? 0) + (usd ?? 0);
    this.turns.set(key, turnUsd);
    this.session += usd ?? 0;
    const dayUsd = usd === undefined ? this.dayUsd : this.options.daySpend.add(localDay(this.options.now()), usd);
    return { type: 'cost', source, id, model, ...(usd !== undefined ? { usd } : {}), turnUsd, sessionUsd: this.session, dayUsd };
  }

  private budgetEvents(): BudgetEvent[] {
    const reached = this.capReached();
    if (reached) {
      // Once: the session is stopping; later usage (a reply already under way) changes nothing.
      if (this.reached) return [];
      this.reached = true;
      return [reached];
    }
    const spent = { session: this.session, day: this.dayUsd };
    const warnings: BudgetEvent[] = [];
    for (const scope of ['session', 'day'] as const) {
      const cap = this.capOf(scope);
      if (cap <= 0 || this.warned.has(scope) || spent[scope] + MONEY_TOLERANCE_USD < cap * BUDGET_WARNING_SHARE) continue;
      this.warned.add(scope);
      warnings.push({ type: 'budget', level: 'warning', scope, capUsd: cap, spentUsd: spent[scope], message: warningMessage(scope, spent[scope], cap) });
    }
    return warnings;
  }

  private capOf(scope: BudgetScope): number {
    return scope === 'session' ? this.caps.sessionUsd : this.caps.dayUsd;
  }

  private reachedMessage(scope: BudgetScope, cap: number): string {
    const hint = (this.options.raiseCapHint ?? DEFAULT_RAISE_CAP_HINT)(scope);
    return scope === 'session'
      ? `Stopped: this session reached its ${formatUsd(cap)} budget. ${hint}`
      : `Stopped: today's spending reached the ${formatUsd(cap)} daily budget. ${hint}`;
  }
}

function warningMessage(scope: BudgetScope, spent: number, cap: number): string {
  const share = Math.floor((spent / cap) * 100);
  return scope === 'session'
    ? `This session has used ${formatUsd(spent)} of its ${formatUsd(cap)} budget (${share} %).`
    : `Today's spending is ${formatUsd(spent)} of the ${formatUsd(cap)} daily budget (${share} %).`;
}
