/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the host unit tests (selftests/unit/test_*.c): the kselftest
 * harness, and short names for states, directions and TCP flags so that
 * tables and scenarios stay readable.
 */
#ifndef _SW_UNIT_H
#define _SW_UNIT_H

/*
 * The 6.1 harness has unused parameters in its own functions and in the
 * wrappers TEST() expands to in each test file, so -Wextra needs this for
 * the whole translation unit.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "state.h"
#include "segment.h"
#include "track.h"

#include "../lib/states.h"
#define NO SW_STATE_NONE
#define IV SW_NEXT_INVALID
#define RO SW_NEXT_REOPEN

#define IN SW_DIR_IN
#define OUT SW_DIR_OUT

#define FIN SW_TCP_FIN
#define SYN SW_TCP_SYN
#define RST SW_TCP_RST
#define PSH SW_TCP_PSH
#define ACK SW_TCP_ACK
#define URG SW_TCP_URG
#define ECE SW_TCP_ECE
#define CWR SW_TCP_CWR

/* The states' names, as the table comments spell them. */
static const char *const st_state_names[SW_STATE_COLUMNS] = {
	[SYNWATCH_STATE_CLOSED]		= "CLOSED",
	[SYNWATCH_STATE_LISTEN]		= "LISTEN",
	[SYNWATCH_STATE_SYN_SENT]	= "SYN_SENT",
	[SYNWATCH_STATE_SYN_RECEIVED]	= "SYN_RECEIVED",
	[SYNWATCH_STATE_ESTABLISHED]	= "ESTABLISHED",
	[SYNWATCH_STATE_FIN_WAIT_1]	= "FIN_WAIT_1",
	[SYNWATCH_STATE_FIN_WAIT_2]	= "FIN_WAIT_2",
	[SYNWATCH_STATE_CLOSE_WAIT]	= "CLOSE_WAIT",
	[SYNWATCH_STATE_CLOSING]	= "CLOSING",
	[SYNWATCH_STATE_LAST_ACK]	= "LAST_ACK",
	[SYNWATCH_STATE_TIME_WAIT]	= "TIME_WAIT",
	[SW_STATE_NONE]			= "NONE",
};

static inline const char *st_state_name(u8 state)
{
	return state < SW_STATE_COLUMNS ? st_state_names[state] : "?";
}

/* The handshake RTTs a record holds, 0 while it has none. */
static inline u32 st_syn_rtt_us(const struct sw_rec *r)
{
	return (r->dflags & SW_DF_RTT_SYN) ? r->rtt_syn : 0;
}

static inline u32 st_synack_rtt_us(const struct sw_rec *r)
{
	return (r->dflags & SW_DF_RTT_SYNACK) ? r->rtt_synack : 0;
}

#endif /* _SW_UNIT_H */
