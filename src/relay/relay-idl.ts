/**
 * The relay's IDL (`idl/Relay.idl`, OpenDDS `Relay.idl` subset; spec §8.2) as text, for
 * `DomainParticipant.createTopic`, plus the topic and type names. A test checks this text equals the
 * file.
 */

/** The text of `idl/Relay.idl`. */
export const RELAY_IDL = `// The RtpsRelay's inter-relay types (OpenDDS tools/dds/rtpsrelaylib/Relay.idl; spec §8.2), the subset this
// relay speaks: the horizontal datagram header and the two relay-domain topics relays need to route
// to each other ("Relay Addresses", "Relay Partitions"). src/relay/relay-idl.ts holds the same text
// (a test checks they are equal).
module RtpsRelay {
  struct EntityId_t {
    octet entityKey[3];
    octet entityKind;
  };
  struct GUID_t {
    octet guidPrefix[12];
    EntityId_t entityId;
  };
  typedef sequence<string> StringSequence;
  typedef sequence<GUID_t> GuidSequence;

  // Prepended to a client's RTPS datagram on the horizontal ports; XCDR1, native byte order, no
  // encapsulation header (spec §8.2, §10 item 13).
  struct RelayHeader {
    StringSequence to_partitions;
    GuidSequence to_guids;
    boolean use_async_discovery;
  };

  // Topic "Relay Addresses": one sample per horizontal handler (name = HSPDP, HSEDP, HDATA).
  struct RelayAddress {
    @key string relay_id;
    @key string name;
    string address;
  };

  // Topic "Relay Partitions": the partitions of a relay's local clients, 64 names per slot.
  struct RelayPartitions {
    @key string relay_id;
    @key unsigned long slot;
    StringSequence partitions;
  };
};
`;

/** Type names as OpenDDS registers them (module-qualified). */
export const RELAY_ADDRESS_TYPE = 'RtpsRelay::RelayAddress';
export const RELAY_PARTITIONS_TYPE = 'RtpsRelay::RelayPartitions';

/** Topic names (spec §8.2). */
export const RELAY_ADDRESSES_TOPIC = 'Relay Addresses';
export const RELAY_PARTITIONS_TOPIC = 'Relay Partitions';

/** Partitions per "Relay Partitions" sample (OpenDDS `GuidPartitionTable.h` `MAX_SLOT_SIZE`). */
export const MAX_SLOT_SIZE = 64;
