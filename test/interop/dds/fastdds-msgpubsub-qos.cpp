// Variant of ../shared/lab/fastdds-msgpubsub.cpp with the reader/writer QoS as arguments, for the
// best-effort and volatile cases the lab program (reliable, transient-local, keep-all) cannot match.
// The transport comes from the XML profile "rtps_ice_loopback" in $FASTRTPS_DEFAULT_PROFILES_FILE
// (fastdds-lo.xml: UDPv4 on 127.0.0.1 only, no SHM, no multicast); without it the program refuses to run.
// usage: fastmsg-qos pub|sub [count|seconds] [reliable|best-effort] [transient-local|volatile]
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>
#include "MsgPubSubTypes.h"

using namespace eprosima::fastdds::dds;

int main(int argc, char** argv) {
    if (argc < 2) { std::cerr << "usage: fastmsg-qos pub|sub [count|seconds] [reliable|best-effort] [transient-local|volatile]\n"; return 3; }
    bool pub = std::strcmp(argv[1], "pub") == 0;
    int n = argc > 2 ? std::atoi(argv[2]) : 10;
    bool best_effort = argc > 3 && std::strcmp(argv[3], "best-effort") == 0;
    bool is_volatile = argc > 4 && std::strcmp(argv[4], "volatile") == 0;
    auto* factory = DomainParticipantFactory::get_instance();
    if (factory->load_profiles() != ReturnCode_t::RETCODE_OK) { std::cerr << "profiles failed to load\n"; return 2; }
    DomainParticipant* dp = factory->create_participant_with_profile(0, "rtps_ice_loopback");
    if (!dp) { std::cerr << "no participant profile rtps_ice_loopback (set FASTRTPS_DEFAULT_PROFILES_FILE)\n"; return 2; }
    std::cout << "qos: " << (best_effort ? "best-effort" : "reliable") << " " << (is_volatile ? "volatile" : "transient-local") << std::endl;
    TypeSupport ts(new MsgPubSubType());
    ts.register_type(dp);
    Topic* topic = dp->create_topic("LabMsg", ts.get_type_name(), TOPIC_QOS_DEFAULT);
    auto rel = best_effort ? BEST_EFFORT_RELIABILITY_QOS : RELIABLE_RELIABILITY_QOS;
    auto dur = is_volatile ? VOLATILE_DURABILITY_QOS : TRANSIENT_LOCAL_DURABILITY_QOS;
    int rc = 0;
    if (pub) {
        Publisher* p = dp->create_publisher(PUBLISHER_QOS_DEFAULT);
        DataWriterQos wq = DATAWRITER_QOS_DEFAULT;
        wq.reliability().kind = rel;
        wq.durability().kind = dur;
        wq.history().kind = KEEP_ALL_HISTORY_QOS;
        DataWriter* w = p->create_datawriter(topic, wq);
        int waited = 0; PublicationMatchedStatus st;
        while (waited < 100) { w->get_publication_matched_status(st); if (st.current_count > 0) break;
                               std::this_thread::sleep_for(std::chrono::milliseconds(100)); waited++; }
        std::cout << "pub: matched=" << st.current_count << " after " << waited * 100 << " ms" << std::endl;
        // best-effort: nothing repairs samples sent before the remote reader has matched this writer
        if (best_effort || is_volatile) std::this_thread::sleep_for(std::chrono::milliseconds(500));
        for (int i = 0; i < n; i++) {
            Msg m; m.id(i); m.text("hello #" + std::to_string(i) + " from fastdds");
            w->write(&m);
            std::cout << "pub: wrote id=" << m.id() << " text=\"" << m.text() << "\"" << std::endl;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    } else {
        Subscriber* s = dp->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
        DataReaderQos rq = DATAREADER_QOS_DEFAULT;
        rq.reliability().kind = rel;
        rq.durability().kind = dur;
        rq.history().kind = KEEP_ALL_HISTORY_QOS;
        DataReader* r = s->create_datareader(topic, rq);
        int got = 0;
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(n);
        while (std::chrono::steady_clock::now() < end) {
            Msg m; SampleInfo info;
            if (r->take_next_sample(&m, &info) == ReturnCode_t::RETCODE_OK) {
                if (info.valid_data) { std::cout << "sub: got id=" << m.id() << " text=\"" << m.text() << "\"" << std::endl; got++; }
            } else std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::cout << "sub: total " << got << std::endl;
        rc = got > 0 ? 0 : 1;
    }
    dp->delete_contained_entities();
    factory->delete_participant(dp);
    return rc;
}
