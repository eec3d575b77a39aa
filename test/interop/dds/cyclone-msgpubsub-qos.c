/* Variant of ../shared/lab/cyclone-msgpubsub.c with the reader/writer QoS as arguments, for the
   best-effort and volatile cases the lab program (reliable, transient-local, keep-all) cannot match.
   usage: msgpubsub-qos pub [count] [reliable|best-effort] [transient-local|volatile]
        | msgpubsub-qos sub [seconds] [reliable|best-effort] [transient-local|volatile]
   Same output lines as the lab program. Run it with CYCLONEDDS_URI=file://…/cyclone-lo.xml. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dds/dds.h"
#include "Msg.h"

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s pub|sub [count|seconds] [reliable|best-effort] [transient-local|volatile]\n", argv[0]); return 3; }
  int pub = strcmp(argv[1], "pub") == 0;
  int n = argc > 2 ? atoi(argv[2]) : 10;
  int best_effort = argc > 3 && strcmp(argv[3], "best-effort") == 0;
  int isvolatile = argc > 4 && strcmp(argv[4], "volatile") == 0;
  dds_entity_t pp = dds_create_participant(DDS_DOMAIN_DEFAULT, NULL, NULL);
  if (pp < 0) { fprintf(stderr, "participant: %s\n", dds_strretcode(-pp)); return 2; }
  dds_entity_t tp = dds_create_topic(pp, &Msg_desc, "LabMsg", NULL, NULL);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, best_effort ? DDS_RELIABILITY_BEST_EFFORT : DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(qos, isvolatile ? DDS_DURABILITY_VOLATILE : DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(qos, DDS_HISTORY_KEEP_ALL, 0);
  printf("qos: %s %s\n", best_effort ? "best-effort" : "reliable", isvolatile ? "volatile" : "transient-local");
  int rc = 0;
  if (pub) {
    dds_entity_t wr = dds_create_writer(pp, tp, qos, NULL);
    dds_set_status_mask(wr, DDS_PUBLICATION_MATCHED_STATUS);
    uint32_t st = 0; int waited = 0;
    while (!(st & DDS_PUBLICATION_MATCHED_STATUS) && waited < 100) { dds_get_status_changes(wr, &st); dds_sleepfor(DDS_MSECS(100)); waited++; }
    printf("pub: matched=%d after %d ms\n", !!(st & DDS_PUBLICATION_MATCHED_STATUS), waited * 100);
    /* best-effort: nothing repairs samples sent before the remote reader has matched this writer */
    if (best_effort || isvolatile) dds_sleepfor(DDS_MSECS(500));
    for (int i = 0; i < n; i++) {
      char buf[64]; snprintf(buf, sizeof buf, "hello #%d from cyclone", i);
      Msg m = { .id = i, .text = buf };
      if ((rc = dds_write(wr, &m)) < 0) { fprintf(stderr, "write: %s\n", dds_strretcode(-rc)); break; }
      printf("pub: wrote id=%d text=\"%s\"\n", m.id, m.text); fflush(stdout);
      dds_sleepfor(DDS_MSECS(200));
    }
    dds_sleepfor(DDS_SECS(1));
  } else {
    dds_entity_t rd = dds_create_reader(pp, tp, qos, NULL);
    fflush(stdout);
    int got = 0; dds_time_t end = dds_time() + DDS_SECS(n);
    while (dds_time() < end) {
      void *samples[1] = { NULL }; dds_sample_info_t info[1];
      int k = dds_take(rd, samples, info, 1, 1);
      if (k > 0 && info[0].valid_data) { Msg *m = samples[0]; printf("sub: got id=%d text=\"%s\"\n", m->id, m->text); fflush(stdout); got++; }
      if (k > 0) dds_return_loan(rd, samples, k); else dds_sleepfor(DDS_MSECS(20));
    }
    printf("sub: total %d\n", got);
    rc = got > 0 ? 0 : 1;
  }
  dds_delete_qos(qos);
  dds_delete(pp);
  return rc < 0 ? 2 : rc;
}
