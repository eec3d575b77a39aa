/*
 * libnice 0.1.21 as an interop peer speaking the line-based JSON protocol of
 * test/interop/peers/index.ts on stdin/stdout. Usage: nice_peer [HOST_IP [STUN_IP STUN_PORT]].
 * By default host candidates on 127.0.0.1 only and no STUN server; HOST_IP gathers on that address
 * instead (a lab namespace's LAN address), STUN_IP/STUN_PORT add server-reflexive candidates from that
 * STUN server (the lab's coturn). No UPnP; RFC 5245 compatibility with regular nomination; the role
 * comes from the "remote" line.
 * Build: gcc nice_peer.c -o nice_peer $(pkg-config --cflags --libs nice)
 * The JSON reader is deliberately minimal: it reads only what the harness writes (JSON.stringify
 * output, strings without escapes).
 */
#include <nice/agent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GMainLoop *loop;
static NiceAgent *agent;
static guint stream_id;
static gint64 t0_us;
static gboolean reported;
static gboolean remote_set;

static const char *type_name(NiceCandidateType t) {
  switch (t) {
    case NICE_CANDIDATE_TYPE_HOST: return "host";
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE: return "srflx";
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE: return "prflx";
    case NICE_CANDIDATE_TYPE_RELAYED: return "relay";
  }
  return "host";
}

static NiceCandidateType type_of(const char *s) {
  if (strcmp(s, "srflx") == 0) return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
  if (strcmp(s, "prflx") == 0) return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
  if (strcmp(s, "relay") == 0) return NICE_CANDIDATE_TYPE_RELAYED;
  return NICE_CANDIDATE_TYPE_HOST;
}

/* Finds "key": in [p, end) and returns the start of its value (whitespace skipped), or NULL. */
static const char *find_key(const char *p, const char *end, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  size_t n = strlen(pat);
  for (; p + n <= end; p++) {
    if (memcmp(p, pat, n) != 0) continue;
    p += n;
    while (p < end && (*p == ' ' || *p == ':')) p++;
    return p;
  }
  return NULL;
}

/* Copies a string value (with or without quotes) into out. */
static gboolean get_str(const char *p, const char *end, const char *key, char *out, size_t cap) {
  const char *v = find_key(p, end, key);
  if (v == NULL) return FALSE;
  gboolean quoted = *v == '"';
  if (quoted) v++;
  size_t i = 0;
  while (v < end && i + 1 < cap && (quoted ? *v != '"' : (*v != ',' && *v != '}'))) out[i++] = *v++;
  out[i] = 0;
  return TRUE;
}

static gboolean get_num(const char *p, const char *end, const char *key, double *out) {
  char buf[64];
  if (!get_str(p, end, key, buf, sizeof buf)) return FALSE;
  *out = strtod(buf, NULL);
  return TRUE;
}

static void print_local(void) {
  gchar *ufrag = NULL, *pwd = NULL;
  nice_agent_get_local_credentials(agent, stream_id, &ufrag, &pwd);
  GSList *cands = nice_agent_get_local_candidates(agent, stream_id, 1);
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "{\"event\":\"local\",\"ufrag\":\"%s\",\"pwd\":\"%s\",\"candidates\":[", ufrag, pwd);
  gboolean first = TRUE;
  for (GSList *i = cands; i != NULL; i = i->next) {
    NiceCandidate *c = i->data;
    if (c->transport != NICE_CANDIDATE_TRANSPORT_UDP) continue;
    gchar ip[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string(&c->addr, ip);
    g_string_append_printf(s, "%s{\"ip\":\"%s\",\"port\":%u,\"priority\":%u,\"foundation\":\"%s\",\"type\":\"%s\"}",
                           first ? "" : ",", ip, nice_address_get_port(&c->addr), c->priority, c->foundation,
                           type_name(c->type));
    first = FALSE;
  }
  g_string_append(s, "]}\n");
  fputs(s->str, stdout);
  fflush(stdout);
  g_string_free(s, TRUE);
  g_slist_free_full(cands, (GDestroyNotify)nice_candidate_free);
  g_free(ufrag);
  g_free(pwd);
}

static void on_gathering_done(NiceAgent *a, guint stream, gpointer data) {
  (void)a; (void)stream; (void)data;
  print_local();
}

static void on_state(NiceAgent *a, guint stream, guint component, guint state, gpointer data) {
  (void)data;
  if (reported || !remote_set) return;
  double ms = (g_get_monotonic_time() - t0_us) / 1000.0;
  if (state == NICE_COMPONENT_STATE_READY) {
    reported = TRUE;
    NiceCandidate *local = NULL, *remote = NULL;
    gchar lip[NICE_ADDRESS_STRING_LEN] = "", rip[NICE_ADDRESS_STRING_LEN] = "";
    guint lport = 0, rport = 0;
    if (nice_agent_get_selected_pair(a, stream, component, &local, &remote)) {
      nice_address_to_string(&local->addr, lip);
      nice_address_to_string(&remote->addr, rip);
      lport = nice_address_get_port(&local->addr);
      rport = nice_address_get_port(&remote->addr);
    }
    printf("{\"event\":\"connected\",\"ms\":%.3f,\"selected\":{\"local\":{\"ip\":\"%s\",\"port\":%u},"
           "\"remote\":{\"ip\":\"%s\",\"port\":%u}}}\n", ms, lip, lport, rip, rport);
    fflush(stdout);
  } else if (state == NICE_COMPONENT_STATE_FAILED) {
    reported = TRUE;
    printf("{\"event\":\"failed\",\"ms\":%.3f,\"reason\":\"component failed\"}\n", ms);
    fflush(stdout);
  }
}

static void on_remote(const char *line, const char *end) {
  char ufrag[257], pwd[257];
  const char *remote = find_key(line, end, "remote");
  if (remote == NULL || !get_str(remote, end, "ufrag", ufrag, sizeof ufrag) || !get_str(remote, end, "pwd", pwd, sizeof pwd)) {
    printf("{\"event\":\"failed\",\"reason\":\"bad remote line\"}\n");
    fflush(stdout);
    return;
  }
  char ctl[16] = "false";
  get_str(line, end, "controlling", ctl, sizeof ctl);
  g_object_set(agent, "controlling-mode", strcmp(ctl, "true") == 0, NULL);
  nice_agent_set_remote_credentials(agent, stream_id, ufrag, pwd);
  GSList *list = NULL;
  const char *p = find_key(remote, end, "candidates");
  while (p != NULL && p < end) {
    const char *open = strchr(p, '{');
    if (open == NULL || open >= end) break;
    const char *close = strchr(open, '}');
    if (close == NULL || close > end) break;
    char ip[NICE_ADDRESS_STRING_LEN], foundation[NICE_CANDIDATE_MAX_FOUNDATION], type[16] = "host";
    double port = 0, priority = 0;
    if (get_str(open, close, "ip", ip, sizeof ip) && get_num(open, close, "port", &port) &&
        get_num(open, close, "priority", &priority) && get_str(open, close, "foundation", foundation, sizeof foundation)) {
      get_str(open, close, "type", type, sizeof type);
      NiceCandidate *c = nice_candidate_new(type_of(type));
      c->stream_id = stream_id;
      c->component_id = 1;
      c->transport = NICE_CANDIDATE_TRANSPORT_UDP;
      nice_address_set_from_string(&c->addr, ip);
      nice_address_set_port(&c->addr, (guint)port);
      c->priority = (guint32)priority;
      g_strlcpy(c->foundation, foundation, NICE_CANDIDATE_MAX_FOUNDATION);
      list = g_slist_append(list, c);
    }
    p = close + 1;
    if (*p == ']') break;
  }
  t0_us = g_get_monotonic_time();
  remote_set = TRUE;
  nice_agent_set_remote_candidates(agent, stream_id, 1, list);
  g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
}

static gboolean on_stdin(GIOChannel *ch, GIOCondition cond, gpointer data) {
  (void)cond; (void)data;
  gchar *line = NULL;
  gsize len = 0;
  GIOStatus st = g_io_channel_read_line(ch, &line, &len, NULL, NULL);
  if (st == G_IO_STATUS_EOF || st == G_IO_STATUS_ERROR) {
    g_main_loop_quit(loop);
    return FALSE;
  }
  if (st == G_IO_STATUS_NORMAL && line != NULL) {
    const char *end = line + len;
    if (strstr(line, "\"cmd\"") != NULL && strstr(line, "close") != NULL) {
      g_free(line);
      g_main_loop_quit(loop);
      return FALSE;
    }
    if (strstr(line, "\"remote\"") != NULL && !remote_set) on_remote(line, end);
  }
  g_free(line);
  return TRUE;
}

static void on_recv(NiceAgent *a, guint stream, guint component, guint len, gchar *buf, gpointer data) {
  (void)a; (void)stream; (void)component; (void)len; (void)buf; (void)data;
}

int main(int argc, char **argv) {
  const char *host_ip = argc > 1 ? argv[1] : "127.0.0.1";
  const char *stun_ip = argc > 3 ? argv[2] : NULL;
  guint stun_port = argc > 3 ? (guint)atoi(argv[3]) : 0;
  loop = g_main_loop_new(NULL, FALSE);
  agent = nice_agent_new_full(g_main_loop_get_context(loop), NICE_COMPATIBILITY_RFC5245,
                              NICE_AGENT_OPTION_REGULAR_NOMINATION);
  g_object_set(agent, "upnp", FALSE, "controlling-mode", FALSE, NULL);
  if (stun_ip != NULL) g_object_set(agent, "stun-server", stun_ip, "stun-server-port", stun_port, NULL);
  NiceAddress addr;
  nice_address_init(&addr);
  if (!nice_address_set_from_string(&addr, host_ip)) { /* one address only: no other interface is used */
    printf("{\"event\":\"failed\",\"reason\":\"bad host ip\"}\n");
    return 1;
  }
  nice_agent_add_local_address(agent, &addr);
  g_signal_connect(agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), NULL);
  g_signal_connect(agent, "component-state-changed", G_CALLBACK(on_state), NULL);
  stream_id = nice_agent_add_stream(agent, 1);
  nice_agent_attach_recv(agent, stream_id, 1, g_main_loop_get_context(loop), on_recv, NULL);
  GIOChannel *in = g_io_channel_unix_new(0);
  g_io_add_watch(in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, NULL);
  if (!nice_agent_gather_candidates(agent, stream_id)) {
    printf("{\"event\":\"failed\",\"reason\":\"gathering failed\"}\n");
    return 1;
  }
  g_main_loop_run(loop);
  nice_agent_remove_stream(agent, stream_id);
  g_object_unref(agent);
  g_io_channel_unref(in);
  g_main_loop_unref(loop);
  return 0;
}
