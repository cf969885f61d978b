/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <pcigate/pcigate.h>

const char *pg_version(void)
{
	return "0.1.0";
}
