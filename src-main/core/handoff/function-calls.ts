import type { ConversationItemInfo } from '../protocol/realtime-event';
import { ANSWER_APPROVAL_TOOL_NAME, HANDOFF_TOOL_NAME, REMAIN_SILENT_TOOL_NAME, promptFromArguments } from '../protocol/v2-tools';

/** What a function call turned out to be, decided once per call_id when its item is done. */
export type CallDecision =
  /** Completed: the handoff, with the tool's `prompt` (the raw arguments when they are not our JSON). */
  | { readonly kind: 'handoff'; readonly callId: string; readonly itemId: string; readonly prompt: string }
  /** Incomplete (a barge-in or a token limit cut it off): shown, never delegated, no output. */
  | { readonly kind: 'incomplete'; readonly callId: string; readonly itemId: string; readonly arguments: string }
  /** Completed remain_silent: the speech was not meant for the assistant. An empty output, no response, never a handoff. */
  | { readonly kind: 'silence'; readonly callId: string; readonly itemId: string }
  /** Completed answer_agent_approval: the user's spoken answer to a permission request, as the raw arguments. */
  | { readonly kind: 'approval'; readonly callId: string; readonly itemId: string; readonly arguments: string };

interface CallRecord {
  readonly callId: string;
  itemId: string | undefined;
  name: string | undefined;
  arguments: string;
  /** The call's item is done with a final status: it has been decided, whatever repeats it. */
  settled: boolean;
  /** Its one function_call_output went out. */
  answered: boolean;
  /** Made in an earlier realtime session: the current one has no such call to answer. */
  retired: boolean;
}

/**
 * Dialect v2's function calls by the API's rules: a call is tracked by call_id across
 * response.output_item.added/.done, conversation.item.added/.done and the arguments events; it
 * becomes a handoff once, when its item is done with status `completed`, however many events
 * repeat that; and it takes exactly one output.
 */
export class FunctionCalls {
  private readonly calls = new Map<string, CallRecord>();
  private readonly callIdByItemId = new Map<string, string>();

  /** An item event (`finished`: a `.done` one). Answers a decision the first time a call's item is done. */
  onItem(item: ConversationItemInfo, finished: boolean): CallDecision | undefined {
    if (item.kind !== 'function_call') return undefined;
    const callId = item.callId ?? this.callIdByItemId.get(item.id);
    if (callId === undefined) return undefined;
    const call = this.record(callId, item.id);
    if (item.name !== undefined) call.name = item.name;
    // The done item's arguments are the whole of them; an earlier item's are at most a start.
    if (item.arguments !== undefined && (finished || call.arguments.length === 0)) call.arguments = item.arguments;
    if (!finished || call.settled || item.status === undefined || item.status === 'in_progress') return undefined;
    call.settled = true;
    const itemId = call.itemId ?? item.id;
    // A cut-off remain_silent needs nothing: the model said nothing either way.
    if (call.name === REMAIN_SILENT_TOOL_NAME) return item.status === 'completed' ? { kind: 'silence', callId, itemId } : undefined;
    // A cut-off answer decides nothing: the request stays open (and the model may ask again).
    if (call.name === ANSWER_APPROVAL_TOOL_NAME) return item.status === 'completed' ? { kind: 'approval', callId, itemId, arguments: call.arguments } : undefined;
    if (call.name !== HANDOFF_TOOL_NAME) return undefined;
    if (item.status === 'completed') return { kind: 'handoff', callId, itemId, prompt: promptFromArguments(call.arguments) };
    return { kind: 'incomplete', callId, itemId, arguments: call.arguments };
  }

  /** response.function_call_arguments.delta (`delta`) or .done (`complete`). */
  onArguments(itemId: string | undefined, callId: string | undefined, delta: string | undefined, complete: string | undefined): void {
    const id = callId ?? (itemId === undefined ? undefined : this.callIdByItemId.get(itemId));
    if (id === undefined) return;
    const call = this.record(id, itemId);
    if (call.settled) return;
    if (complete !== undefined) call.arguments = complete;
    else if (delta !== undefined) call.arguments += delta;
  }

  /**
   * A new realtime session took over (reconnect, renewal): every call known so far belongs to
   * the old one, whose server can no longer take its output.
   */
  retireAll(): void {
    for (const call of this.calls.values()) call.retired = true;
  }

  /** The call was made in an earlier realtime session. */
  isRetired(callId: string): boolean {
    return this.calls.get(callId)?.retired ?? false;
  }

  /** True the first time only: each call_id takes exactly one function_call_output. */
  claimOutput(callId: string): boolean {
    const call = this.record(callId, undefined);
    if (call.answered) return false;
    call.answered = true;
    return true;
  }

  private record(callId: string, itemId: string | undefined): CallRecord {
    let call = this.calls.get(callId);
    if (!call) {
      call = { callId, itemId: undefined, name: undefined, arguments: '', settled: false, answered: false, retired: false };
      this.calls.set(callId, call);
    }
    if (itemId !== undefined && call.itemId === undefined) {
      call.itemId = itemId;
      this.callIdByItemId.set(itemId, callId);
    }
    return call;
  }
}
