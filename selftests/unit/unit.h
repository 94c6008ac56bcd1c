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
#include "parse.h"

#define CL SYNWATCH_STATE_CLOSED
#define LI SYNWATCH_STATE_LISTEN
#define SS SYNWATCH_STATE_SYN_SENT
#define SR SYNWATCH_STATE_SYN_RECEIVED
#define ES SYNWATCH_STATE_ESTABLISHED
#define F1 SYNWATCH_STATE_FIN_WAIT_1
#define F2 SYNWATCH_STATE_FIN_WAIT_2
#define CW SYNWATCH_STATE_CLOSE_WAIT
#define CG SYNWATCH_STATE_CLOSING
#define LA SYNWATCH_STATE_LAST_ACK
#define TW SYNWATCH_STATE_TIME_WAIT
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

#endif /* _SW_UNIT_H */
