#include "mobula_native.h"
#include "mobula_store.h"

const char *mobula_native_version(void) { return "0.1.0"; }

/* The shared-memory arena format the store reader (mobula_store.h) reads: docs/object-store-format.md. */
int mobula_native_arena_format_version(void) { return (int)MOBULA_STORE_FORMAT_VERSION; }
