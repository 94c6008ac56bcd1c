// SPDX-License-Identifier: GPL-2.0
/*
 * The real binaries, run with bad arguments: each must fail with exit
 * status 1 and a message naming the problem, before touching netlink (so
 * this works on a host without the module). Good arguments must get past
 * parsing: to exit status 2 (module not loaded) here, or run for real.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

struct cli_result {
	int status;
	char out[8192];
	char err[8192];
};

/* userspace/build/tests/test_cli -> userspace/<dir>/<name> */
static void binary(char *buf, size_t len, const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = 0;
	*strrchr(self, '/') = 0;
	if (snprintf(buf, len, "%s/../../%s/%s", self, name, name) >= (int)len)
		abort();
}

static void drain(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - n - 1)) > 0)
		n += (size_t)r;
	buf[n] = 0;
}

static void run(struct cli_result *r, const char *prog, const char *const *args)
{
	char path[PATH_MAX + 64];
	char *argv[32];
	int out[2], err[2], st, i = 0;
	pid_t pid;

	binary(path, sizeof(path), prog);
	argv[i++] = path;
	for (; args[i - 1]; i++)
		argv[i] = (char *)args[i - 1];
	argv[i] = NULL;
	if (pipe(out) || pipe(err))
		abort();
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(path, argv);
		_exit(126);
	}
	close(out[1]);
	close(err[1]);
	drain(out[0], r->out, sizeof(r->out));
	drain(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TEST(bad_arguments_exit_1)
{
	/* not static: compound literals have automatic storage here */
	const struct {
		const char *const *args;
		const char *msg;
	} cases[] = {
		{ ARGS("frobnicate"), "unknown command 'frobnicate'" },
		{ ARGS("-x"), "Usage" },
		{ ARGS("stats", "--bogus"), "unrecognized option" },
		{ ARGS("stats", "extra"), "unexpected argument 'extra'" },
		{ ARGS("conns", "state", "bogus"), "unknown state 'bogus'" },
		{ ARGS("conns", "sport", ">", "65535"), "matches no port" },
		{ ARGS("conns", "dport", "=", "http-alt-nope"), "bad port" },
		{ ARGS("conns", "src", "10.0.0.0/40"), "bad prefix length" },
		{ ARGS("conns", "-4", "dst", "::1"), "conflicting address families" },
		{ ARGS("conns", "-4", "-6"), "conflict" },
		{ ARGS("conns", "color", "blue"), "unknown filter word 'color'" },
		{ ARGS("listeners", "now"), "unexpected argument" },
		{ ARGS("config", "set"), "needs KEY=VALUE" },
		{ ARGS("config", "set", "nokey=1"), "valid keys" },
		{ ARGS("config", "set", "flood.completion_pct=101"), "out of range (0-100)" },
		{ ARGS("config", "set", "timeout.established=2x"), "not a duration" },
		{ ARGS("config", "set", "flood.rate_low=9", "flood.rate_high=8"), "must not exceed" },
		{ ARGS("config", "get", "nokey"), "unknown key 'nokey'" },
		{ ARGS("config", "frob"), "unknown action 'frob'" },
		{ ARGS("flush", "state"), "needs a state" },
		{ ARGS("monitor", "-e", "new,nope"), "unknown event type 'nope'" },
		{ ARGS("monitor", "-e", "none"), "selects no event type" },
		{ ARGS("monitor", "-c", "0"), "bad count" },
		{ ARGS("monitor", "-t", "forever"), "bad timeout" },
		{ ARGS("monitor", "-b", "12"), "bad buffer size" },
		{ ARGS("top", "-n", "x"), "bad iteration count" },
		{ ARGS("top", "-d", "0"), "bad interval" },
		{ ARGS("help", "nosuch"), "no such command" },
		{ ARGS("-N", "nosuch-netns-for-test", "stats"), "network namespace 'nosuch-netns-for-test'" },
	};
	struct cli_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&r, "synwatch", cases[i].args);
		EXPECT_EQ(1, r.status) TH_LOG("%s ...: status %d, stderr: %s",
					    cases[i].args[0], r.status, r.err);
		EXPECT_NE(NULL, strstr(r.err, cases[i].msg))
			TH_LOG("%s %s: stderr lacks '%s': %s", cases[i].args[0],
			       cases[i].args[1] ? cases[i].args[1] : "", cases[i].msg, r.err);
		EXPECT_STREQ("", r.out);	/* diagnostics never on stdout */
	}
}

TEST(help_for_every_command)
{
	static const char *const cmds[] = {
		"stats", "conns", "listeners", "monitor", "top", "config", "flush",
	};
	struct cli_result r;

	run(&r, "synwatch", ARGS("help"));
	EXPECT_EQ(0, r.status);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char usage[64];

		EXPECT_NE(NULL, strstr(r.out, cmds[i]));	/* listed */
		snprintf(usage, sizeof(usage), "Usage: synwatch %s", cmds[i]);
		run(&r, "synwatch", ARGS(cmds[i], "--help"));
		EXPECT_EQ(0, r.status);
		EXPECT_NE(NULL, strstr(r.out, usage)) TH_LOG("%s --help", cmds[i]);
		run(&r, "synwatch", ARGS("help", cmds[i]));
		EXPECT_EQ(0, r.status);
		EXPECT_NE(NULL, strstr(r.out, usage)) TH_LOG("help %s", cmds[i]);
		run(&r, "synwatch", ARGS("help"));
	}
	run(&r, "synwatch", ARGS("--help"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "Exit status"));
}

/* Where the module is missing, good arguments end in status 2 + hint. */
TEST(module_not_loaded)
{
	const char *const *const good[] = {
		ARGS("stats"), ARGS("-j", "stats"),
		ARGS("conns", "state", "half-open", "sport", ">=", "1024", "dst", "2001:db8::/32"),
		ARGS("listeners"), ARGS("config", "get", "max_conns"),
		ARGS("config", "set", "timeout.syn_recv=30s"),
		ARGS("flush", "dport", "80"), ARGS("monitor", "-e", "alert", "-c", "1"),
		ARGS("top", "-n", "1"),
	};
	struct cli_result r;

	run(&r, "synwatch", ARGS("stats"));
	if (r.status != 2)
		SKIP(return, "the synwatch module is loaded here");
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		run(&r, "synwatch", good[i]);
		EXPECT_EQ(2, r.status) TH_LOG("%s: %s", good[i][0], r.err);
		EXPECT_NE(NULL, strstr(r.err, "hint: run: modprobe synwatch"));
	}
}

TEST(daemon_arguments)
{
	struct cli_result r;

	run(&r, "synwatchd", ARGS("--bogus"));
	EXPECT_EQ(1, r.status);
	run(&r, "synwatchd", ARGS("extra"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "unexpected argument"));
	run(&r, "synwatchd", ARGS("-t", "-c", "/nonexistent/synwatchd.conf"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "/nonexistent/synwatchd.conf:0: cannot open"));
	run(&r, "synwatchd", ARGS("--help"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "Usage: synwatchd"));
}

TEST_HARNESS_MAIN
