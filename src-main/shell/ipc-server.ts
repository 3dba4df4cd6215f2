// Registers one ipcMain handler per contract command; every call goes through the dispatcher
// (sender check, payload validation, {ok, value | error} answers).
import { ipcMain } from 'electron';
import { COMMAND_NAMES, commandChannel, type CommandHandlers } from '../../src-shared/ipc-contract';
import { toDisposable, type Disposable } from '../core/util/disposable';
import { createCommandDispatcher, type DispatcherOptions } from '../app/command-dispatcher';

export function registerIpcServer(handlers: CommandHandlers, options: DispatcherOptions): Disposable {
  const dispatch = createCommandDispatcher(handlers, options);
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), (event, payload: unknown) => dispatch(name, payload, event.senderFrame?.url ?? ''));
  }
  return toDisposable(() => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name));
  });
}
