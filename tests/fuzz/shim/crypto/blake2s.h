/* SPDX-License-Identifier: GPL-2.0 */
#define BLAKE2S_HASH_SIZE 32
#define BLAKE2S_BLOCK_SIZE 64
