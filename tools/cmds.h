/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_CMDS_H
#define _WGX_CMDS_H

/* Each command group's entry point; argv[0] is the command's own name. */
int genkey_main(int argc, char *argv[]);
int pubkey_main(int argc, char *argv[]);
int relay_main(int argc, char *argv[]);
int hub_main(int argc, char *argv[]);
int spoke_main(int argc, char *argv[]);
int export_main(int argc, char *argv[]);

#endif /* _WGX_CMDS_H */
