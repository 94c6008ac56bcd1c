/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two-letter names of the RFC 9293 states, so that the tests' tables and
 * scenarios stay readable (the unit tests and the VM tests alike).
 */
#ifndef _ST_STATES_H
#define _ST_STATES_H

#include <linux/synwatch.h>

#define CL	SYNWATCH_STATE_CLOSED
#define LI	SYNWATCH_STATE_LISTEN
#define SS	SYNWATCH_STATE_SYN_SENT
#define SR	SYNWATCH_STATE_SYN_RECEIVED
#define ES	SYNWATCH_STATE_ESTABLISHED
#define F1	SYNWATCH_STATE_FIN_WAIT_1
#define F2	SYNWATCH_STATE_FIN_WAIT_2
#define CW	SYNWATCH_STATE_CLOSE_WAIT
#define CG	SYNWATCH_STATE_CLOSING
#define LA	SYNWATCH_STATE_LAST_ACK
#define TW	SYNWATCH_STATE_TIME_WAIT

#endif /* _ST_STATES_H */
