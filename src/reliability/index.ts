/**
 * What other folders may use from `reliability/` (STYLE.md rule 2): the sans-I/O RTPS writer and
 * reader state machines (RTPS 2.5 §8.4) shared by SEDP's builtin endpoints and user endpoints.
 */

// config.ts
export type { DurabilityKind, HistoryKind, ReaderInit, WriterInit } from './config.js';
export { DATA_FRAG_DATAGRAM_OVERHEAD, DEFAULT_READER_INIT, DEFAULT_WRITER_INIT, resolveReaderInit, resolveWriterInit } from './config.js';

// types.ts
export type {
  ReaderDropReason, ReaderEvent, ReceivedSample, ReliabilityDeps, ReliabilityTransmit, TransmitDestination, WriteInput,
  WriterDropReason, WriterEvent, WriteResult,
} from './types.js';
export { NO_READER_DROPS, NO_WRITER_DROPS } from './types.js';

// writer.ts
export type { ReaderProxyOptions, ReaderProxyState, WriterDeps } from './writer.js';
export { RtpsWriter } from './writer.js';

// reader.ts
export type { ReaderDeps, WriterProxyOptions, WriterProxyState } from './reader.js';
export { RtpsReader } from './reader.js';
