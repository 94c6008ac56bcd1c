// SPDX-License-Identifier: GPL-2.0
/* Placeholders for the commands still being written; removed one by one. */
#include "cli.h"

#define STUB(fn, name)							\
int fn(const struct cli_globals *g, int argc, char **argv)		\
{									\
	(void)g; (void)argc; (void)argv;				\
	sw_warn("%s: not implemented yet", name);			\
	return SW_EXIT_FAIL;						\
}
STUB(cmd_top, "top")
