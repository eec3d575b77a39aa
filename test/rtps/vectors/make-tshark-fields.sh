#!/bin/sh
# Regenerates the *.tshark-fields.txt vectors: what Wireshark's RTPS dissector reads from each frame
# of the shared captures (tshark 4.x). One line per frame, fields separated by '|', repeated
# occurrences by ';'. The decoder tests compare our decode against these facts.
set -eu
PCAPS=${PCAPS:-../../../../shared/pcaps}
for cap in cyclone-labmsg fastdds cyclone-fastdds-interop cyclone-ddsperf; do
  tshark -r "$PCAPS/$cap.pcapng" -T fields -E occurrence=a -E aggregator=';' -E separator='|' \
    -e frame.number -e rtps.version -e rtps.vendorId -e rtps.guidPrefix -e rtps.sm.id -e rtps.sm.flags \
    -e rtps.sm.octetsToNextHeader -e rtps.sm.rdEntityId -e rtps.sm.wrEntityId -e rtps.sm.seqNumber \
    -e rtps.guidPrefix.dst -e rtps.info_ts.timestamp -e rtps.heartbeat_count -e rtps.acknack.count \
    -e rtps.bitmap.num_bits -e rtps.bitmap > "$cap.tshark-fields.txt"
done
