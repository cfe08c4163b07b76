// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the tool's config parser. What parses must format, and
 * the formatted text must parse to the same text again.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CFG_ERR_LEN];
	struct cfg_doc *doc, *again;
	char *text, *text2;
	size_t len, len2;

	if (cfg_parse_opts((const char *)data, size, "fuzz", CFG_PARSE_META, &doc, err))
		return 0;
	text = cfg_format(doc, &len);
	assert(text);
	assert(cfg_parse_opts(text, len, "fuzz", CFG_PARSE_META, &again, err) == 0);
	text2 = cfg_format(again, &len2);
	assert(text2 && len2 == len && !memcmp(text, text2, len));
	free(text);
	free(text2);
	cfg_free(doc);
	cfg_free(again);
	return 0;
}
