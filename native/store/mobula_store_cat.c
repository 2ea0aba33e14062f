/*
 * mobula-store-cat: prints the size, kind and FNV-1a 64 checksum of one object in an arena.
 *
 *   mobula-store-cat ARENA_PATH IDHEX32 [--wait-ms N]
 *
 * IDHEX32 is the 32-hex-digit form of ObjectId.toString(): 16 digits of the high word, then 16 of
 * the low word. Without --wait-ms the object must already be sealed; with it, the tool waits up
 * to N milliseconds for the seal (N < 0: without limit).
 *
 * Prints `size=<n> kind=<k> fnv1a64=<16 lowercase hex digits>` and exits 0. On error, prints a
 * message on stderr and exits 2 (usage), 3 (not found or not sealed), 4 (timed out) or 1 (other).
 */
#include "mobula_store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV1A64_OFFSET_BASIS 0xcbf29ce484222325ULL
#define FNV1A64_PRIME 0x100000001b3ULL

static int usage(const char *why) {
    fprintf(stderr, "mobula-store-cat: %s\nusage: mobula-store-cat ARENA_PATH IDHEX32 [--wait-ms N]\n", why);
    return 2;
}

/* Parses exactly 16 hex digits. */
static int parse_hex64(const char *s, uint64_t *out) {
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return 0;
}

static int exit_code(int rc) {
    switch (rc) {
    case MOBULA_ENOTFOUND:
    case MOBULA_ENOTSEALED:
        return 3;
    case MOBULA_ETIMEDOUT:
        return 4;
    default:
        return 1;
    }
}

static void report(const char *what, int rc) {
    if (rc == MOBULA_EIO || rc == MOBULA_EACCES) {
        fprintf(stderr, "mobula-store-cat: %s: %s: %s\n", what, mobula_store_strerror(rc), strerror(errno));
    } else {
        fprintf(stderr, "mobula-store-cat: %s: %s\n", what, mobula_store_strerror(rc));
    }
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 5) {
        return usage("expected ARENA_PATH IDHEX32 [--wait-ms N]");
    }
    const char *path = argv[1];
    const char *idhex = argv[2];
    uint64_t id_high, id_low;
    if (strlen(idhex) != 32 || parse_hex64(idhex, &id_high) != 0 || parse_hex64(idhex + 16, &id_low) != 0) {
        return usage("the object id must be 32 hex digits");
    }
    int waiting = 0;
    long long wait_ms = 0;
    if (argc == 5) {
        if (strcmp(argv[3], "--wait-ms") != 0) {
            return usage("unknown option");
        }
        char *end;
        errno = 0;
        wait_ms = strtoll(argv[4], &end, 10);
        if (end == argv[4] || *end != '\0' || errno != 0) {
            return usage("--wait-ms takes an integer number of milliseconds");
        }
        waiting = 1;
    }

    mobula_store *store;
    int rc = mobula_store_open(path, &store);
    if (rc != MOBULA_OK) {
        report(path, rc);
        return exit_code(rc);
    }
    mobula_object obj;
    rc = waiting ? mobula_store_wait_get(store, id_high, id_low, (int64_t)wait_ms, &obj)
                 : mobula_store_get(store, id_high, id_low, &obj);
    if (rc != MOBULA_OK) {
        report(idhex, rc);
        mobula_store_close(store);
        return exit_code(rc);
    }

    /* FNV-1a 64 over the object's bytes, read in place from the mapping. */
    uint64_t hash = FNV1A64_OFFSET_BASIS;
    const unsigned char *bytes = obj.data;
    for (uint64_t i = 0; i < obj.size; i++) {
        hash ^= bytes[i];
        hash *= FNV1A64_PRIME;
    }
    uint64_t size = obj.size;
    uint32_t kind = obj.kind;
    mobula_store_release(store, &obj);
    mobula_store_close(store);

    printf("size=%" PRIu64 " kind=%" PRIu32 " fnv1a64=%016" PRIx64 "\n", size, kind, hash);
    return fflush(stdout) == 0 ? 0 : 1;
}
