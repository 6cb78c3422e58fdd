/* The Model Context Protocol server: JSON-RPC 2.0 over stdio (one message a line), so that an AI
 * assistant works in the ISMS through the same use cases as the CLI and the web app. */
#ifndef ISMS_MCP_H
#define ISMS_MCP_H

#include <stdio.h>

#include "util/err.h"

typedef struct mcp_opts {
    const char *db_path;
    int editor;            /* 1: the write tools too; 0: read only (the default) */
    const char *version;   /* the server's version, for initialize */
    FILE *in, *out, *log;  /* messages in and out; log: diagnostics (never secrets), may be NULL */
} mcp_opts;

/* Serve until the input ends. Returns ISMS_OK, or an error when the workspace cannot be opened
 * or the output is gone. Bad messages are answered, never fatal. */
int mcp_serve(const mcp_opts *o, isms_err *err);

#endif
