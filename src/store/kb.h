/* The knowledge base behind `isms ask`: every guidance passage of the compiled-in catalog (one per
 * control or clause and kind: purpose, implement, evidence, findings) in an SQLite FTS5 index,
 * ranked with BM25. The index lives in an in-memory database built at kb_open from the catalog,
 * so it can never be stale and needs no file: building the 508 passages takes about 3 ms, too
 * little to be worth a cache file that could go stale (measured; see bench/ask.sh). */
#ifndef ISMS_KB_H
#define ISMS_KB_H

#include <stddef.h>

#include "core/ask.h"
#include "util/arena.h"
#include "util/err.h"

typedef struct kb kb;

/* BM25 column weights: a word of the id column (id and theme) or of the title counts this many
 * times a word of the passage body, so "cloud services" finds A.5.23 before passages that merely
 * mention the cloud. */
#define KB_WEIGHT_ID 4.0
#define KB_WEIGHT_TITLE 8.0
#define KB_WEIGHT_BODY 1.0
/* Passages of the kind the question asks for (ask_intent) rank this much higher. */
#define KB_INTENT_BOOST 1.5

/* Build the index from the catalog (calls catalog_init). */
int kb_open(kb **out, isms_err *err);
void kb_close(kb *k);
/* Number of passages indexed. */
size_t kb_count(const kb *k);

/* Rank the passages matching expr (an FTS5 MATCH expression from ask_match_expr, bound as a
 * parameter) by BM25 with the column weights above, boosting kind intent (-1 for none). Keeps the
 * best passage of each id only, skips ids listed in skip (nskip of them), writes at most max.
 * An empty expr finds nothing. */
int kb_search(kb *k, const char *expr, int intent, const ask_ref *skip, size_t nskip, ask_passage *out,
              size_t max, size_t *n, isms_err *err);

/* Answer a question with at most limit (1..ASK_MAX_PASSAGES) passages: the question is cleaned
 * (ask_question_clean), the ids it names recognised, and those ids' passages come first, the
 * kind asked for (ask_intent; purpose when none) before the other kinds; then the best BM25
 * passages of other ids for the question's words, or, when the question is only ids, for the
 * titles of the ids named. Fills r; strings live in a or in the catalog. */
int kb_ask(kb *k, const char *question, size_t limit, arena *a, ask_result *r, isms_err *err);

#endif
