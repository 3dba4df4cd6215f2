import type { Logger } from '../util/logger';
import type { DialectCodec } from './dialect-codec';
import type { Dialect } from './session-config';
import { createV1Codec } from './v1-codec';
import { createV2Codec } from './v2-codec';

export function createCodec(dialect: Dialect, logger: Logger): DialectCodec {
  return dialect === 'v1' ? createV1Codec(logger) : createV2Codec(logger);
}
