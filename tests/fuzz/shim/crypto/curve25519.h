/* SPDX-License-Identifier: GPL-2.0 */
#define CURVE25519_KEY_SIZE 32
