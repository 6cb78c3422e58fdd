/* `isms ask`, the pure half: recognising control and clause ids in a question, detecting what the
 * asker wants (purpose, implementation, evidence, findings), turning free text into a safe FTS5
 * MATCH expression, and the LLM request/response bodies. No I/O and no SQL here; the index that
 * ranks passages is store/kb.h, the HTTP call and the printing are cli/cmd_ask.c. */
#ifndef ISMS_ASK_H
#define ISMS_ASK_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

/* Longest question accepted, in bytes. Longer text is refused rather than cut, so nobody gets an
 * answer to half a question without noticing. */
#define ASK_MAX_QUESTION 4096
#define ASK_MAX_IDS 16
#define ASK_MAX_PASSAGES 50
/* At most this many terms go into a MATCH expression; a question rarely has more that matter. */
#define ASK_MAX_TERMS 32

/* Passage kinds, in the order `isms control show` prints them. */
enum { ASK_PURPOSE = 0, ASK_IMPLEMENT, ASK_EVIDENCE, ASK_FINDINGS, ASK_NKINDS };

/* An id named in a question, in canonical 2022 form. */
typedef struct ask_ref {
    char id[16];        /* "A.5.23" for a control, "6.1.2" for a clause */
    int is_clause;
    char from2013[16];  /* "A.9.4.2" when the question named a 2013 id that maps to id, else "" */
} ask_ref;

/* One retrievable piece of guidance: one kind of one control or clause. Strings point into the
 * catalog (which lives for the process) or into the arena of the search. */
typedef struct ask_passage {
    const char *id;     /* "A.5.23" or "9.3" */
    const char *kind;   /* "purpose" | "implement" | "evidence" | "findings" */
    const char *title;
    const char *text;   /* list kinds are items separated by " | ", as in the catalog */
    double score;       /* BM25 relevance, higher is better; 0 for passages chosen by id */
    int by_id;          /* 1 when chosen because the question named its id */
} ask_passage;

/* What a question resolved to. */
typedef struct ask_result {
    ask_ref ids[ASK_MAX_IDS];
    size_t nids;
    int intent;         /* ASK_PURPOSE..ASK_FINDINGS, or -1 when the question shows none */
    const char *match;  /* the MATCH expression used, "" when the question had no searchable terms */
    ask_passage passages[ASK_MAX_PASSAGES];
    size_t npassages;
} ask_result;

/* "purpose", "implement", "evidence", "findings"; NULL outside 0..3. */
const char *ask_kind_name(int kind);
/* Index of a kind name, or -1. */
int ask_kind_index(const char *name);

/* Check a question and copy it into out (size ASK_MAX_QUESTION + 1) cleaned for matching: bytes
 * that are not valid UTF-8 and control characters become spaces, runs of white space become one
 * space, ends trimmed. Fails with ISMS_EINVAL when it is empty after cleaning or longer than
 * ASK_MAX_QUESTION bytes. */
int ask_question_clean(const char *q, char *out, isms_err *err);

/* Find the control and clause ids a question names, in order of appearance, without duplicates:
 * "A.5.23", "a.5.23", "A5.23", "5.23", "annex a 5.23", "control 5.23", "ISO 27002 5.23" (controls);
 * "clause 6.1.2", "6.1.2", "9.3", "§ 9.3" (clauses); "A.9.4.2" or "9.4.2" from ISO 27001:2013,
 * mapped to 2022 with from2013 set (one 2013 id can give several). A bare "5.1" that is both a
 * clause and a control is taken as the control unless the word "clause" precedes it. Numbers that
 * look like versions, amounts or addresses ("version 5.2", "$5.23", "5.5 days", "10.0.0.1") are not
 * ids. Needs the catalog (catalog_init). Returns the count written to out (at most max). */
size_t ask_find_ids(const char *q, ask_ref *out, size_t max);

/* What the question asks for: ASK_EVIDENCE ("evidence", "prove", "auditor"), ASK_FINDINGS
 * ("finding", "nonconformity", "fail"), ASK_IMPLEMENT ("how", "implement", "steps"), ASK_EVIDENCE
 * again for "documents" or "records", ASK_PURPOSE ("what is", "purpose", "why"), the first that
 * the question has in that order; -1 when none. */
int ask_intent(const char *q);

/* Build a MATCH expression for FTS5 from free text, never passing user syntax through: words are
 * split on anything that is not a letter or digit (so quotes, parentheses, *, ^, -, ':' column
 * filters and NEAR(...) lose their meaning), lower-cased, stop words, question words, numbers
 * and one-letter words dropped, each remaining term double-quoted, duplicates removed, and the
 * terms ORed: "cloud" OR "servic". Writes "" when nothing searchable is left. Returns the number
 * of terms, or -1 when out (outsz bytes) is too small. */
int ask_match_expr(const char *q, char *out, size_t outsz);

/* The chat-completions request body (JSON) for an OpenAI-compatible endpoint: a system message
 * telling the model to answer only from the numbered passages and to cite ids in brackets, and a
 * user message with the question, any 2013 mapping, and the passages. Allocated in a. */
char *ask_llm_request(const char *model, const char *question, const ask_result *r, arena *a);

/* Take choices[0].message.content out of a chat-completions response body, with control
 * characters (which could drive the terminal) removed and invalid UTF-8 replaced by '?'.
 * Allocated in a; fails with ISMS_EINVAL naming what is missing. */
int ask_llm_answer(const char *body, size_t len, arena *a, const char **answer, isms_err *err);

#endif
