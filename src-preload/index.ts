// Builds window.parley from the IPC contract (src-shared/ipc-contract.ts) and exposes nothing else:
// `ParleyApi`: one method per command, each a single ipcRenderer.invoke, plus `on` subscriptions that return an
// unsubscribe. Main validates every payload; the preload only routes.
//
// Type-only imports on purpose: the sandboxed preload cannot require zod at runtime, so the
// command list below is its own exhaustive Record, which stops compiling when the contract grows.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  CommandChannel,
  CommandName,
  EVENT_CHANNEL as CONTRACT_EVENT_CHANNEL,
  EventEnvelope,
  EventName,
} from '../src-shared/ipc-contract';

const COMMAND_LIST: Record<CommandName, true> = {
  'app.ready': true,
  'problems.dismiss': true,
  'session.start': true,
  'session.stop': true,
  'session.sendText': true,
  'agent.cancel': true,
  'agent.answerApproval': true,
  'talk.setMode': true,
  'talk.setMuted': true,
  'talk.press': true,
  'talk.release': true,
  'talk.toggle': true,
  'audio.micCheck': true,
  'audio.testSound': true,
  'audio.roomCheck': true,
  'devices.list': true,
  'devices.setInput': true,
  'devices.setOutput': true,
  'settings.get': true,
  'settings.update': true,
  'apiKey.status': true,
  'apiKey.set': true,
  'apiKey.clear': true,
  'history.list': true,
  'history.exportMarkdown': true,
  'history.delete': true,
};
const EVENT_LIST: Record<EventName, true> = { state: true, levels: true, notice: true, navigate: true };
const EVENT_CHANNEL = 'parley:event' satisfies typeof CONTRACT_EVENT_CHANNEL;

function channelOf<N extends CommandName>(name: N): CommandChannel<N> {
  return `parley:command:${name}`;
}

const api: Record<string, unknown> = { version: '0.1.0' };
for (const name of Object.keys(COMMAND_LIST) as CommandName[]) {
  const [namespace = name, method = name] = name.split('.');
  const group = (api[namespace] ??= {}) as Record<string, unknown>;
  const channel = channelOf(name);
  group[method] = (args?: unknown) => ipcRenderer.invoke(channel, args);
}

api.on = (event: unknown, listener: unknown): (() => void) => {
  if (typeof event !== 'string' || !Object.hasOwn(EVENT_LIST, event)) {
    throw new TypeError(`parley.on: unknown event "${String(event)}"; use one of ${Object.keys(EVENT_LIST).join(', ')}`);
  }
  if (typeof listener !== 'function') throw new TypeError('parley.on: the listener must be a function');
  const handler = (_sender: IpcRendererEvent, envelope: EventEnvelope) => {
    if (envelope?.event === event) listener(envelope.payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  };
};

contextBridge.exposeInMainWorld('parley', Object.freeze(api));
