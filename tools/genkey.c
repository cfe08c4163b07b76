// SPDX-License-Identifier: GPL-2.0
/*
 * wgx genkey | genpsk | pubkey: byte-for-byte the output of `wg genkey`,
 * `wg genpsk` and `wg pubkey`.
 */
#include "cmds.h"
#include "key.h"
#include "term.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void warn_world_readable(void)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IRWXO))
		fputs("Warning: writing to world accessible file.\n"
		      "Consider setting the umask to 077 and trying again.\n",
		      stderr);
}

static int print_key(const uint8_t key[WGX_KEY_LEN])
{
	char b64[WGX_KEY_B64_LEN];

	key_to_base64(b64, key);
	puts(b64);
	sodium_memzero(b64, sizeof(b64));
	return fflush(stdout) ? die("cannot write the key: %m") : 0;
}

int genkey_main(int argc, char *argv[])
{
	uint8_t key[WGX_KEY_LEN];
	bool psk = !strcmp(argv[0], "genpsk");
	int ret;

	if (argc != 1) {
		fprintf(stderr, "Usage: %s %s\n", prog_name, argv[0]);
		return 1;
	}
	warn_world_readable();
	if (psk)
		key_generate_preshared(key);
	else
		key_generate_private(key);
	ret = print_key(key);
	sodium_memzero(key, sizeof(key));
	return ret;
}

int pubkey_main(int argc, char *argv[])
{
	uint8_t priv[WGX_KEY_LEN], pub[WGX_KEY_LEN];
	bool ok;

	if (argc != 1) {
		fprintf(stderr, "Usage: %s pubkey < private.key\n", prog_name);
		return 1;
	}
	ok = key_read_stream(priv, stdin);
	if (ok)
		ok = key_public_from_private(pub, priv);
	sodium_memzero(priv, sizeof(priv));
	if (!ok)
		return die("pubkey: standard input is not a base64 private key");
	return print_key(pub);
}
