/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records as JSON objects and events as text lines: shared by the CLI
 * (conns, listeners, stats, monitor) and the daemon's logs, so that a
 * field has the same name everywhere. The names are documented in
 * synwatch(8) and are stable.
 */
#ifndef SW_RENDER_H
#define SW_RENDER_H

#include <stdio.h>

#include "json.h"
#include "records.h"

void sw_json_conn(struct sw_json *j, const struct sw_conn *c);
void sw_json_listener(struct sw_json *j, const struct sw_listener *l);
void sw_json_stats(struct sw_json *j, const struct sw_stats *s);
void sw_json_alert(struct sw_json *j, const struct sw_alert *a);
void sw_json_event(struct sw_json *j, const struct sw_event *ev);

/*
 * One line, no newline: "14:03:07.123456 STATE SYN_SENT -> ESTABLISHED
 * [S.] in 10.0.0.1:5555 10.0.0.2:80 rtt=0.312ms". with_time off for
 * syslog, which stamps lines itself.
 */
void sw_text_event(FILE *f, const struct sw_event *ev, bool with_time);

/*
 * The same lines into buf (NUL-terminated, cut to len - 1 bytes); they
 * return the length. SW_TEXT_LINE holds any line whole: the longest, an
 * alert with four IPv6 sources, is under 400 bytes.
 */
#define SW_TEXT_LINE 512
size_t sw_text_event_line(char *buf, size_t len, const struct sw_event *ev,
			  bool with_time);
size_t sw_text_alert_line(char *buf, size_t len, const struct sw_alert *a);

#endif
