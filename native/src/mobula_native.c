#include "mobula_native.h"

const char *mobula_native_version(void) { return "0.1.0"; }

/* Format 0: no shared arena yet; the store is in-process. The plasma-style arena becomes format 1. */
int mobula_native_arena_format_version(void) { return 0; }
