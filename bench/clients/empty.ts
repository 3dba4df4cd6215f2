/**
 * Loader baseline: imports nothing but the harness and reports what getting here cost (node +
 * the tsx loader), so the other clients' startup and RSS can be read net of it.
 */
import { exitAfterWarmup } from './harness';

exitAfterWarmup();
