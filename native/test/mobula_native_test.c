#include <stdio.h>
#include <string.h>
#include "mobula_native.h"
#include "mobula_store.h"

int main(void) {
    const char *version = mobula_native_version();
    if (version == NULL || strcmp(version, "0.1.0") != 0) {
        fprintf(stderr, "unexpected version: %s\n", version ? version : "(null)");
        return 1;
    }
    if (mobula_native_arena_format_version() != (int)MOBULA_STORE_FORMAT_VERSION) {
        fprintf(stderr, "arena format version %d is not the store reader's\n", mobula_native_arena_format_version());
        return 1;
    }
    printf("1 passed, 0 failed\n");
    return 0;
}
