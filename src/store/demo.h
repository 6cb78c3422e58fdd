/* A demo workspace: a 150-person SaaS company part-way to certification. */
#ifndef ISMS_DEMO_H
#define ISMS_DEMO_H

#include "store/store.h"

/* Fill an initialised, empty workspace with the demo organization, in the caller's transaction. */
int demo_populate(ws *w, isms_err *err);
/* The demo's people, suppliers, incidents and objectives (register_demo.c). */
int demo_registers(ws *w, isms_err *err);

#endif
