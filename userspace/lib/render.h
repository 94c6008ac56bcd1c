/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records as JSON objects and events as text lines: shared by the CLI
 * (conns, listeners, stats, monitor) and the daemon's logs, so that a
 * field has the same name everywhere. The names are documented in
 * synwatch(8) and are stable.
 */
#ifndef SWL_RENDER_H
#define SWL_RENDER_H

#include <stdio.h>

#include "json.h"
#include "records.h"

void swl_json_conn(struct swl_json *j, const struct swl_conn *c);
void swl_json_listener(struct swl_json *j, const struct swl_listener *l);
void swl_json_stats(struct swl_json *j, const struct swl_stats *s);
void swl_json_alert(struct swl_json *j, const struct swl_alert *a);
void swl_json_event(struct swl_json *j, const struct swl_event *ev);

/*
 * One line, no newline: "14:03:07.123456 STATE SYN_SENT -> ESTABLISHED
 * [S.] in 10.0.0.1:5555 10.0.0.2:80 rtt=0.312ms". with_time off for
 * syslog, which stamps lines itself.
 */
void swl_text_event(FILE *f, const struct swl_event *ev, bool with_time);

/*
 * The same lines into buf (NUL-terminated, cut to len - 1 bytes); they
 * return the length. SWL_TEXT_LINE holds any line whole: the longest, an
 * alert with four IPv6 sources, is under 400 bytes.
 */
#define SWL_TEXT_LINE 512
size_t swl_text_event_line(char *buf, size_t len, const struct swl_event *ev,
			  bool with_time);
size_t swl_text_alert_line(char *buf, size_t len, const struct swl_alert *a);

#endif
