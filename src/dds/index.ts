/** What other folders may use from `dds/`: the DDS facade and its configuration. */
export {
  camelKey, parseDdsConfigIni, resolveDdsConfig, type AddressOption, type ConfigWarning, type DdsConfig, type DdsConfigInput,
  type IceOptions, type RtpsDiscoveryConfig, type RtpsDiscoveryOptions, type RtpsUdpTransportConfig, type RtpsUdpTransportOptions,
} from './config.js';
export { DomainParticipant, type DomainParticipantEvents, type DomainParticipantOptions, type IceStatus } from './participant.js';
export { Topic } from './topic.js';
export { DataWriter, type DataWriterEvents, type PublicationMatchedStatus, type WriteInfo, type WriteOptions } from './data-writer.js';
export { DataReader, type DataReaderEvents, type InstanceStateInfo, type ReceivedData, type SampleInfo, type SubscriptionMatchedStatus } from './data-reader.js';
export { DEFAULT_ENDPOINT_QOS, type EndpointQosInit, type ResolvedQos } from './qos.js';
export { DdsAbortError, DdsUsageError, EntityClosedError } from './errors.js';
