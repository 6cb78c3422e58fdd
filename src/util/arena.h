/* Bump allocator: one arena per command or request, freed at once. */
#ifndef ISMS_ARENA_H
#define ISMS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t used;  /* bytes handed out, for tests and caps */
} arena;

/* Initialise an empty arena (no allocation until first use). */
void arena_init(arena *a);
/* Allocate n zeroed bytes aligned for any type; aborts on out-of-memory. */
void *arena_alloc(arena *a, size_t n);
/* Copy s (NULL gives NULL) into the arena. */
char *arena_strdup(arena *a, const char *s);
/* Copy n bytes of s and terminate them. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into a fresh arena string. */
char *arena_sprintf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vsprintf(arena *a, const char *fmt, va_list ap);
/* Free every block; the arena can be reused after. */
void arena_free(arena *a);

#endif
