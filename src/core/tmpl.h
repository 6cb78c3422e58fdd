/* A small template engine for policy documents: {{var}} (dotted names such as org.name),
 * {{#if name}}...{{else}}...{{/if}}, {{#each list}}...{{/each}} whose body sees the item's fields
 * by name. Values are escaped for the output format. The whole template is checked before
 * anything is rendered, so a typo in a branch that is not taken is still reported with its line.
 * A block tag alone on its line leaves no blank line behind. */
#ifndef ISMS_TMPL_H
#define ISMS_TMPL_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

#define TMPL_MAX_DEPTH 16   /* nested #if / #each */

typedef enum { TMPL_MARKDOWN, TMPL_HTML } tmpl_format;

typedef struct tmpl_vars tmpl_vars;
typedef struct tmpl_list tmpl_list;

/* An empty set of variables living in a. */
tmpl_vars *tmpl_vars_new(arena *a);
/* Set a string variable (copied); setting again replaces it. NULL counts as "". */
void tmpl_set(tmpl_vars *v, const char *name, const char *value);
/* Set a flag for {{#if}}: "1" when on, "" when off. */
void tmpl_set_flag(tmpl_vars *v, const char *name, int on);
/* Declare a list whose items all have the fields named in fields (NULL-terminated). */
tmpl_list *tmpl_add_list(tmpl_vars *v, const char *name, const char *const *fields);
/* Append an item: one value per declared field, in the same order (copied). */
void tmpl_list_push(tmpl_list *l, const char *const *values);

/* Render src into *out (arena string). Errors name the line: unknown variable or list,
 * unclosed or stray section, malformed tag, nesting deeper than TMPL_MAX_DEPTH, nested lists that
 * expand past two million sections and values, and output over max_out bytes (ISMS_ENOMEM). */
int tmpl_render(const char *src, const tmpl_vars *v, tmpl_format f, size_t max_out, arena *a, char **out,
                isms_err *err);
/* Append s escaped for f: HTML entities, or Markdown punctuation backslash-escaped with line
 * breaks folded to spaces so a value cannot start a heading or list. Returns 0 or -1 over the cap. */
struct buf;
int tmpl_escape(struct buf *b, const char *s, tmpl_format f);

#endif
