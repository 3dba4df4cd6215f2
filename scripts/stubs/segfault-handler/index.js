'use strict';
// See package.json: naudiodon calls registerHandler at load; Parley's audio host process
// restart is the crash handling, so this does nothing.
module.exports = { registerHandler() {}, causeSegfault() {}, printStackTrace() {} };
