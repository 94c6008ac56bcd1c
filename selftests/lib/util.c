// SPDX-License-Identifier: GPL-2.0
/* Constants, time and shell helpers of the selftests: util.h. */
#include "util.h"

static const char *const st_state_str[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

const char *st_state_name(unsigned int s)
{
	return s <= SYNWATCH_STATE_MAX ? st_state_str[s] : "?";
}

uint64_t st_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

unsigned int st_slow_scale(void)
{
	const char *s = getenv("TEST_TIMEOUT_SCALE");
	int v = s ? atoi(s) : 1;

	return v > 0 ? (unsigned int)v : 1;
}

int st_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}
