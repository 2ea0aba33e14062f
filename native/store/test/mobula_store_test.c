/*
 * Tests of libmobula_store against arenas this test writes itself, byte for byte as
 * docs/object-store-format.md describes them, at the offsets mobula_store.h declares. The test
 * plays the node: it maps the file read-write and writes header, slots, data and the seal futex
 * the way the node does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mobula_store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- A tiny harness ---- */

static int check_failures; /* failed checks in the current test */

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "  %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                    \
            fprintf(stderr, "\n");                                           \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

/* Checks a status code and names both sides on failure. */
#define CHECK_RC(got, want) \
    CHECK((got) == (want), "got %d (%s), want %d (%s)", (got), mobula_store_strerror(got), (want), \
          mobula_store_strerror(want))

/* ---- The arena, written the node's way ---- */

typedef struct {
    char path[512];      /* the data file */
    char ctl_path[512];  /* the control file */
    unsigned char *base; /* the data file, read-write, shared */
    size_t bytes;
    unsigned char *ctl;  /* the control file, read-write, shared */
    size_t ctl_bytes;
    uint32_t max_clients;
    uint32_t index_slots;
    uint64_t client_table;
    uint64_t index;
    uint64_t pins;
    uint64_t data;
    uint64_t data_bytes;
    uint64_t next_data; /* bump allocator for object bytes */
} arena;

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }

static _Atomic uint32_t *a32(const arena *a, uint64_t off) { return (_Atomic uint32_t *)(void *)(a->base + off); }
static _Atomic uint64_t *a64(const arena *a, uint64_t off) { return (_Atomic uint64_t *)(void *)(a->base + off); }

static _Atomic uint32_t *c32(const arena *a, uint64_t off) { return (_Atomic uint32_t *)(void *)(a->ctl + off); }
static _Atomic uint64_t *c64(const arena *a, uint64_t off) { return (_Atomic uint64_t *)(void *)(a->ctl + off); }

static uint64_t client_off(const arena *a, uint32_t client) {
    return a->client_table + (uint64_t)client * MOBULA_ARENA_CLIENT_BYTES;
}

static const char *arena_dir(void) {
    struct stat st;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0) {
        return "/dev/shm";
    }
    const char *tmp = getenv("TMPDIR");
    return tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
}

/* Creates (truncating) a file of `bytes` bytes, mode 0600, and maps it read-write. */
static unsigned char *create_mapped(const char *path, size_t bytes) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path);
        return NULL;
    }
    if (ftruncate(fd, (off_t)bytes) != 0) {
        perror("ftruncate");
        close(fd);
        return NULL;
    }
    void *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        perror("mmap");
        return NULL;
    }
    return base;
}

/*
 * Creates an arena's two files. page_aligned: index, pin table and data start on page boundaries
 * (what the node should do); otherwise they are packed on 64-byte boundaries, so regions share pages.
 */
static int arena_create(arena *a, const char *name, uint32_t max_clients, uint32_t index_slots,
                        uint64_t data_bytes, bool page_aligned) {
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s/mobula-store-test-%d-%s.arena", arena_dir(), (int)getpid(), name);
    snprintf(a->ctl_path, sizeof a->ctl_path, "%s/mobula-store-test-%d-%s.control", arena_dir(), (int)getpid(), name);
    uint64_t align = page_aligned ? MOBULA_ARENA_PAGE_BYTES : MOBULA_ARENA_ALIGNMENT;
    a->max_clients = max_clients;
    a->index_slots = index_slots;
    a->index = MOBULA_ARENA_HEADER_BYTES;
    a->data = align_up(a->index + (uint64_t)index_slots * MOBULA_ARENA_SLOT_BYTES, align);
    a->data_bytes = data_bytes;
    a->next_data = a->data;
    a->bytes = (size_t)(a->data + data_bytes);
    a->client_table = page_aligned ? 0 : MOBULA_ARENA_ALIGNMENT; /* packed: a gap before it, too */
    a->pins = align_up(a->client_table + (uint64_t)max_clients * MOBULA_ARENA_CLIENT_BYTES, align);
    a->ctl_bytes = (size_t)(a->pins + (uint64_t)max_clients * index_slots * MOBULA_ARENA_PIN_BYTES);

    a->base = create_mapped(a->path, a->bytes);
    a->ctl = a->base == NULL ? NULL : create_mapped(a->ctl_path, a->ctl_bytes);
    if (a->ctl == NULL) {
        return -1;
    }

    unsigned char *h = a->base;
    put64(h + MOBULA_HEADER_MAGIC, MOBULA_ARENA_MAGIC);
    CHECK(memcmp(h, "MOBULA01", 8) == 0, "the magic spells MOBULA01 in file order");
    put32(h + MOBULA_HEADER_FORMAT_VERSION, MOBULA_STORE_FORMAT_VERSION);
    put32(h + MOBULA_HEADER_HEADER_BYTES, MOBULA_ARENA_HEADER_BYTES);
    put64(h + MOBULA_HEADER_FILE_BYTES, a->bytes);
    put64(h + MOBULA_HEADER_CLIENT_TABLE_OFFSET, a->client_table);
    put32(h + MOBULA_HEADER_MAX_CLIENTS, max_clients);
    put32(h + MOBULA_HEADER_CLIENT_BYTES, MOBULA_ARENA_CLIENT_BYTES);
    put64(h + MOBULA_HEADER_INDEX_OFFSET, a->index);
    put32(h + MOBULA_HEADER_INDEX_SLOTS, index_slots);
    put32(h + MOBULA_HEADER_SLOT_BYTES, MOBULA_ARENA_SLOT_BYTES);
    put64(h + MOBULA_HEADER_PIN_TABLE_OFFSET, a->pins);
    put64(h + MOBULA_HEADER_DATA_OFFSET, a->data);
    put64(h + MOBULA_HEADER_DATA_BYTES, data_bytes);
    put32(h + MOBULA_HEADER_SEAL_SEQUENCE, 0);
    put64(h + MOBULA_HEADER_OWNER_PID, (uint64_t)getpid());
    put64(h + MOBULA_HEADER_CONTROL_BYTES, a->ctl_bytes);
    /* Client 0 is the node. */
    put64(a->ctl + client_off(a, 0) + MOBULA_CLIENT_PID, (uint64_t)getpid());
    return 0;
}

static void arena_destroy(arena *a) {
    if (a->base != NULL) {
        munmap(a->base, a->bytes);
    }
    if (a->ctl != NULL) {
        munmap(a->ctl, a->ctl_bytes);
    }
    unlink(a->path);
    unlink(a->ctl_path);
}

static uint64_t slot_off(const arena *a, uint32_t slot) { return a->index + (uint64_t)slot * MOBULA_ARENA_SLOT_BYTES; }

static uint32_t home_slot(const arena *a, uint64_t hi, uint64_t lo) {
    return mobula_store_id_hash(hi, lo) & (a->index_slots - 1);
}

/* A low word such that (hi, low) has the given home slot. */
static uint64_t low_with_home(const arena *a, uint64_t hi, uint32_t home, uint64_t start) {
    for (uint64_t lo = start;; lo++) {
        if (home_slot(a, hi, lo) == home) {
            return lo;
        }
    }
}

/* Copies bytes into the data region (aligned blocks) and returns their offset. */
static uint64_t arena_alloc(arena *a, const void *bytes, uint64_t size) {
    uint64_t off = a->next_data;
    a->next_data = align_up(off + size, MOBULA_ARENA_ALIGNMENT);
    if (a->next_data > a->data + a->data_bytes) {
        fprintf(stderr, "test arena data region too small\n");
        abort();
    }
    if (size > 0) {
        memcpy(a->base + off, bytes, size);
    }
    return off;
}

/* Writes a slot the node's way: fields first, then the state with release. */
static void write_slot(arena *a, uint32_t slot, uint32_t state, uint32_t kind, uint64_t hi, uint64_t lo,
                       uint64_t offset, uint64_t size, uint64_t generation) {
    uint64_t so = slot_off(a, slot);
    atomic_store_explicit(a32(a, so + MOBULA_SLOT_KIND), kind, memory_order_relaxed);
    atomic_store_explicit(a64(a, so + MOBULA_SLOT_ID_HIGH), hi, memory_order_relaxed);
    atomic_store_explicit(a64(a, so + MOBULA_SLOT_ID_LOW), lo, memory_order_relaxed);
    atomic_store_explicit(a64(a, so + MOBULA_SLOT_OFFSET), offset, memory_order_relaxed);
    atomic_store_explicit(a64(a, so + MOBULA_SLOT_SIZE), size, memory_order_relaxed);
    atomic_store_explicit(a64(a, so + MOBULA_SLOT_GENERATION), generation, memory_order_relaxed);
    atomic_store_explicit(a32(a, so + MOBULA_SLOT_STATE), state, memory_order_release);
}

/* Bumps sealSequence with release and wakes every waiter (shared futex). */
static void seal_notify(arena *a) {
    atomic_fetch_add_explicit(a32(a, MOBULA_HEADER_SEAL_SEQUENCE), 1, memory_order_release);
    syscall(SYS_futex, (uint32_t *)(void *)(a->base + MOBULA_HEADER_SEAL_SEQUENCE), FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static uint32_t pin_count(const arena *a, uint32_t client, uint32_t slot) {
    return atomic_load_explicit(c32(a, a->pins + ((uint64_t)client * a->index_slots + slot) * MOBULA_ARENA_PIN_BYTES),
                                memory_order_acquire);
}

static uint64_t client_pid(const arena *a, uint32_t client) {
    return atomic_load_explicit(c64(a, client_off(a, client) + MOBULA_CLIENT_PID), memory_order_acquire);
}

static uint64_t client_start_time(const arena *a, uint32_t client) {
    return atomic_load_explicit(c64(a, client_off(a, client) + MOBULA_CLIENT_START_TIME), memory_order_acquire);
}

/* Field 22 of /proc/self/stat, parsed here independently of the library. */
static unsigned long long own_start_time(void) {
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long long v = 0;
    if (p == NULL || sscanf(p + 1, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                            &v) != 1) {
        return 0;
    }
    return v;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Deterministic object bytes. */
static void fill_pattern(unsigned char *buf, size_t n, unsigned seed) {
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
}

/* Rewrites one header field of an existing arena file with pwrite. */
static void patch_header(const char *path, off_t at, const void *bytes, size_t n) {
    int fd = open(path, O_RDWR);
    if (fd < 0 || pwrite(fd, bytes, n, at) != (ssize_t)n) {
        perror("patch_header");
    }
    if (fd >= 0) {
        close(fd);
    }
}

/* ---- Tests ---- */

static int test_hash_matches_java(void) {
    /* Values of io.mobula.store.ObjectId.hashCode() computed by the JVM, as unsigned. */
    struct { uint64_t hi, lo; uint32_t hash; } v[] = {
        {0, 0, 0x00000000u},
        {1, 2, 0x2bb18f48u},
        {0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x45a90509u},
        {UINT64_MAX, UINT64_MAX, 0x041b40deu},
        {0x8000000000000000ULL, 1, 0x65664572u},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        CHECK(mobula_store_id_hash(v[i].hi, v[i].lo) == v[i].hash, "hash of %016llx%016llx",
              (unsigned long long)v[i].hi, (unsigned long long)v[i].lo);
    }
    return 0;
}

static int test_client_claimed_and_released(void) {
    arena a;
    if (arena_create(&a, "client", 4, 64, 4096, true) != 0) {
        return 1;
    }
    mobula_store *s1 = NULL, *s2 = NULL;
    int rc = mobula_store_open(a.path, &s1);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        uint32_t c = mobula_store_client_index(s1);
        CHECK(c == 1, "the first free reader entry is 1 (0 is the node), got %u", c);
        CHECK(client_pid(&a, c) == (uint64_t)getpid(), "entry pid %llu", (unsigned long long)client_pid(&a, c));
        unsigned long long st = own_start_time();
        CHECK(st != 0 && client_start_time(&a, c) == st, "startTime %llu, /proc says %llu",
              (unsigned long long)client_start_time(&a, c), st);

        rc = mobula_store_open(a.path, &s2);
        CHECK_RC(rc, MOBULA_OK);
        if (rc == MOBULA_OK) {
            CHECK(mobula_store_client_index(s2) == 2, "a second handle takes entry 2, got %u",
                  mobula_store_client_index(s2));
            mobula_store_close(s2);
            CHECK(client_pid(&a, 2) == 0 && client_start_time(&a, 2) == 0, "entry 2 freed on close");
        }
        mobula_store_close(s1);
        CHECK(client_pid(&a, 1) == 0, "pid cleared on close, got %llu", (unsigned long long)client_pid(&a, 1));
        CHECK(client_start_time(&a, 1) == 0, "startTime cleared on close");
        CHECK(client_pid(&a, 0) == (uint64_t)getpid(), "the node's entry is untouched");
    }
    arena_destroy(&a);
    return 0;
}

static int test_client_table_full(void) {
    arena a;
    if (arena_create(&a, "full", 3, 64, 4096, true) != 0) {
        return 1;
    }
    put64(a.ctl + client_off(&a, 1) + MOBULA_CLIENT_PID, 999999); /* entries 1 and 2 taken by others */
    put64(a.ctl + client_off(&a, 2) + MOBULA_CLIENT_PID, 999998);
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_ENOCLIENT);
    CHECK(s == NULL, "no handle on failure");
    put64(a.ctl + client_off(&a, 2) + MOBULA_CLIENT_PID, 0);
    rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        CHECK(mobula_store_client_index(s) == 2, "the one free entry, got %u", mobula_store_client_index(s));
        mobula_store_close(s);
    }
    arena_destroy(&a);
    return 0;
}

static int test_get_bytes_size_kind_and_pins(void) {
    arena a;
    if (arena_create(&a, "get", 8, 1024, 1 << 20, true) != 0) {
        return 1;
    }
    struct { uint64_t hi, lo; uint32_t kind; size_t size; unsigned char bytes[5000]; uint32_t slot; } obj[4] = {
        {0x11, 0x1, 2, 100, {0}, 0}, {0x11, 0x2, 6, 4096, {0}, 0}, {0x22, 0x99, 1, 4999, {0}, 0}, {0x33, 0x7, 9, 0, {0}, 0}};
    for (int i = 0; i < 4; i++) {
        fill_pattern(obj[i].bytes, obj[i].size, (unsigned)i + 1);
        obj[i].slot = home_slot(&a, obj[i].hi, obj[i].lo);
        /* A real collision would move one along; keep this test to distinct home slots. */
        for (int j = 0; j < i; j++) {
            CHECK(obj[j].slot != obj[i].slot, "test ids must have distinct home slots");
        }
        uint64_t off = arena_alloc(&a, obj[i].bytes, obj[i].size);
        write_slot(&a, obj[i].slot, MOBULA_SLOT_SEALED, obj[i].kind, obj[i].hi, obj[i].lo, off, obj[i].size, 1);
    }
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc != MOBULA_OK) {
        arena_destroy(&a);
        return 0;
    }
    uint32_t c = mobula_store_client_index(s);
    for (int i = 0; i < 4; i++) {
        mobula_object o;
        rc = mobula_store_get(s, obj[i].hi, obj[i].lo, &o);
        CHECK_RC(rc, MOBULA_OK);
        if (rc != MOBULA_OK) {
            continue;
        }
        CHECK(o.size == obj[i].size, "object %d size %llu", i, (unsigned long long)o.size);
        CHECK(o.kind == obj[i].kind, "object %d kind %u", i, o.kind);
        CHECK(o.data != NULL && memcmp(o.data, obj[i].bytes, obj[i].size) == 0, "object %d bytes", i);
        if (obj[i].size > 0) {
            /* Zero-copy: the node's write to the block shows through the reader's pointer. */
            uint64_t off = atomic_load(a64(&a, slot_off(&a, obj[i].slot) + MOBULA_SLOT_OFFSET));
            a.base[off] ^= 0xff;
            CHECK(((const volatile unsigned char *)o.data)[0] == (unsigned char)(obj[i].bytes[0] ^ 0xff),
                  "object %d is read in place", i);
            a.base[off] ^= 0xff;
        }
        CHECK(pin_count(&a, c, obj[i].slot) == 1, "object %d pinned once, count %u", i, pin_count(&a, c, obj[i].slot));

        /* A second get of the same object pins it again. */
        mobula_object o2;
        rc = mobula_store_get(s, obj[i].hi, obj[i].lo, &o2);
        CHECK_RC(rc, MOBULA_OK);
        CHECK(o2.data == o.data, "the same bytes, in place");
        CHECK(pin_count(&a, c, obj[i].slot) == 2, "two pins, count %u", pin_count(&a, c, obj[i].slot));
        CHECK_RC(mobula_store_release(s, &o2), MOBULA_OK);
        CHECK(pin_count(&a, c, obj[i].slot) == 1, "one pin left");

        mobula_object copy = o;
        CHECK_RC(mobula_store_release(s, &o), MOBULA_OK);
        CHECK(o.data == NULL, "released object has no data");
        CHECK(pin_count(&a, c, obj[i].slot) == 0, "object %d unpinned, count %u", i, pin_count(&a, c, obj[i].slot));
        CHECK_RC(mobula_store_release(s, &o), MOBULA_EINVAL);
        CHECK_RC(mobula_store_release(s, &copy), MOBULA_EINVAL);
        CHECK(pin_count(&a, c, obj[i].slot) == 0, "a double release leaves the count at 0, got %u",
              pin_count(&a, c, obj[i].slot));
        /* The node's row and the other clients' rows are untouched. */
        CHECK(pin_count(&a, 0, obj[i].slot) == 0 && pin_count(&a, c + 1, obj[i].slot) == 0, "other rows");
    }
    mobula_store_close(s);
    arena_destroy(&a);
    return 0;
}

static int test_unknown_id_not_found(void) {
    arena a;
    if (arena_create(&a, "notfound", 4, 64, 4096, true) != 0) {
        return 1;
    }
    unsigned char b[16] = {1, 2, 3};
    uint64_t lo = 5;
    uint32_t home = home_slot(&a, 7, lo);
    write_slot(&a, home, MOBULA_SLOT_SEALED, 2, 7, lo, arena_alloc(&a, b, 16), 16, 1);
    /* Another id with the same home slot probes past the occupied slot to an EMPTY one. */
    uint64_t other = low_with_home(&a, 7, home, lo + 1);
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_object o;
        CHECK_RC(mobula_store_get(s, 7, other, &o), MOBULA_ENOTFOUND);
        CHECK_RC(mobula_store_get(s, 8, 5, &o), MOBULA_ENOTFOUND);
        CHECK(pin_count(&a, mobula_store_client_index(s), home) == 0, "a miss leaves no pin");
        mobula_store_close(s);
    }
    arena_destroy(&a);
    return 0;
}

static int test_tombstone_in_probe_chain_skipped(void) {
    arena a;
    if (arena_create(&a, "tombstone", 4, 64, 1 << 16, true) != 0) {
        return 1;
    }
    uint64_t hi = 0xabc;
    uint64_t lo = 1;
    uint32_t home = home_slot(&a, hi, lo);
    unsigned char old_bytes[64], new_bytes[64], other_bytes[32];
    fill_pattern(old_bytes, sizeof old_bytes, 10);
    fill_pattern(new_bytes, sizeof new_bytes, 11);
    fill_pattern(other_bytes, sizeof other_bytes, 12);
    /* home: an earlier incarnation of the very same id, deleted (TOMBSTONE, generation 1);
     * home+1: another id with the same home, sealed; home+2: our id, sealed again (generation 2). */
    uint64_t other_lo = low_with_home(&a, hi, home, lo + 1);
    write_slot(&a, home, MOBULA_SLOT_TOMBSTONE, 2, hi, lo, arena_alloc(&a, old_bytes, 64), 64, 1);
    write_slot(&a, (home + 1) & 63, MOBULA_SLOT_SEALED, 2, hi, other_lo, arena_alloc(&a, other_bytes, 32), 32, 1);
    write_slot(&a, (home + 2) & 63, MOBULA_SLOT_SEALED, 7, hi, lo, arena_alloc(&a, new_bytes, 64), 64, 2);

    /* Wrap-around: an id whose home is the last slot, stored in slot 0 past a TOMBSTONE. */
    uint64_t wrap_lo = low_with_home(&a, 0x77, 63, 1);
    unsigned char wrap_bytes[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    if (home >= 60 || home == 0) {
        fprintf(stderr, "  (home slot %u collides with the wrap-around case; skipping it)\n", home);
    } else {
        write_slot(&a, 63, MOBULA_SLOT_TOMBSTONE, 2, 0x77, wrap_lo + 1000, 0, 0, 1);
        write_slot(&a, 0, MOBULA_SLOT_SEALED, 3, 0x77, wrap_lo, arena_alloc(&a, wrap_bytes, 8), 8, 1);
    }

    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_object o;
        rc = mobula_store_get(s, hi, lo, &o);
        CHECK_RC(rc, MOBULA_OK);
        if (rc == MOBULA_OK) {
            CHECK(o.kind == 7 && o.size == 64 && memcmp(o.data, new_bytes, 64) == 0,
                  "the live object, not the tombstoned one (kind %u)", o.kind);
            CHECK(o.slot == ((home + 2) & 63), "found in slot %u", o.slot);
            CHECK(pin_count(&a, mobula_store_client_index(s), (home + 2) & 63) == 1, "pinned in its slot");
            CHECK(pin_count(&a, mobula_store_client_index(s), home) == 0, "not on the tombstone");
            mobula_store_release(s, &o);
        }
        rc = mobula_store_get(s, hi, other_lo, &o);
        CHECK_RC(rc, MOBULA_OK);
        if (rc == MOBULA_OK) {
            CHECK(o.size == 32 && memcmp(o.data, other_bytes, 32) == 0, "the colliding id");
            mobula_store_release(s, &o);
        }
        if (!(home >= 60 || home == 0)) {
            rc = mobula_store_get(s, 0x77, wrap_lo, &o);
            CHECK_RC(rc, MOBULA_OK);
            if (rc == MOBULA_OK) {
                CHECK(o.slot == 0 && o.size == 8 && memcmp(o.data, wrap_bytes, 8) == 0, "probing wraps around");
                mobula_store_release(s, &o);
            }
        }
        /* Only tombstones of an id and no live copy: not found. */
        write_slot(&a, (home + 2) & 63, MOBULA_SLOT_TOMBSTONE, 7, hi, lo, 0, 0, 2);
        CHECK_RC(mobula_store_get(s, hi, lo, &o), MOBULA_ENOTFOUND);
        mobula_store_close(s);
    }
    arena_destroy(&a);
    return 0;
}

static int test_created_is_not_sealed(void) {
    arena a;
    if (arena_create(&a, "created", 4, 64, 4096, true) != 0) {
        return 1;
    }
    unsigned char b[8] = {0};
    write_slot(&a, home_slot(&a, 5, 5), MOBULA_SLOT_CREATED, 2, 5, 5, arena_alloc(&a, b, 8), 8, 1);
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_object o;
        CHECK_RC(mobula_store_get(s, 5, 5, &o), MOBULA_ENOTSEALED);
        CHECK(pin_count(&a, mobula_store_client_index(s), home_slot(&a, 5, 5)) == 0, "no pin on a created slot");
        mobula_store_close(s);
    }
    arena_destroy(&a);
    return 0;
}

static int test_wait_get_sealed_by_other_process(void) {
    arena a;
    if (arena_create(&a, "wait", 4, 64, 1 << 16, true) != 0) {
        return 1;
    }
    unsigned char bytes[3000];
    fill_pattern(bytes, sizeof bytes, 42);
    uint64_t hi = 0x5eed, lo = 0x1234;
    uint32_t slot = home_slot(&a, hi, lo);
    uint64_t off = arena_alloc(&a, bytes, sizeof bytes); /* bytes in place; the slot is still EMPTY */

    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc != MOBULA_OK) {
        arena_destroy(&a);
        return 0;
    }
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        /* The "node": seal after 100 ms, then bump the sequence and wake the waiters. */
        struct timespec d = {0, 100 * 1000 * 1000};
        nanosleep(&d, NULL);
        write_slot(&a, slot, MOBULA_SLOT_SEALED, 8, hi, lo, off, sizeof bytes, 1);
        seal_notify(&a);
        _exit(0);
    }
    CHECK(child > 0, "fork: %s", strerror(errno));
    int64_t t0 = now_ms();
    mobula_object o;
    rc = mobula_store_wait_get(s, hi, lo, 5000, &o);
    int64_t waited = now_ms() - t0;
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        CHECK(o.size == sizeof bytes && o.kind == 8 && memcmp(o.data, bytes, sizeof bytes) == 0, "sealed bytes");
        mobula_store_release(s, &o);
    }
    CHECK(waited >= 90 && waited < 3000, "woke by the seal after ~100 ms, waited %lld ms", (long long)waited);
    int status = 0;
    if (child > 0) {
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    }

    /* A never-sealed id with a short timeout. */
    t0 = now_ms();
    rc = mobula_store_wait_get(s, hi, lo + 1, 150, &o);
    waited = now_ms() - t0;
    CHECK_RC(rc, MOBULA_ETIMEDOUT);
    CHECK(waited >= 145 && waited < 2000, "waited the timeout, %lld ms", (long long)waited);

    /* Timeout 0 checks once; an existing object is returned at once. */
    CHECK_RC(mobula_store_wait_get(s, hi, lo + 1, 0, &o), MOBULA_ETIMEDOUT);
    rc = mobula_store_wait_get(s, hi, lo, 0, &o);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_store_release(s, &o);
    }

    /* Seals of other objects wake the waiter, which then keeps waiting for its own. */
    fflush(NULL);
    child = fork();
    if (child == 0) {
        for (int i = 0; i < 3; i++) {
            struct timespec d = {0, 30 * 1000 * 1000};
            nanosleep(&d, NULL);
            uint64_t other_lo = 0x9000 + (uint64_t)i;
            write_slot(&a, home_slot(&a, hi, other_lo) == slot ? (slot + 7) & 63 : home_slot(&a, hi, other_lo),
                       MOBULA_SLOT_SEALED, 2, hi, other_lo, off, 8, 1);
            seal_notify(&a);
        }
        _exit(0);
    }
    t0 = now_ms();
    rc = mobula_store_wait_get(s, hi, 0xdead, 200, &o);
    waited = now_ms() - t0;
    CHECK_RC(rc, MOBULA_ETIMEDOUT);
    CHECK(waited >= 195, "other seals do not end the wait early, %lld ms", (long long)waited);
    if (child > 0) {
        waitpid(child, &status, 0);
    }
    CHECK(atomic_load(a32(&a, MOBULA_HEADER_SEAL_SEQUENCE)) == 4, "sealSequence counted 4 seals, got %u",
          atomic_load(a32(&a, MOBULA_HEADER_SEAL_SEQUENCE)));

    mobula_store_close(s);
    arena_destroy(&a);
    return 0;
}

/* Opens an arena that should be refused and returns the status; closes the handle if it was not. */
static int open_refused(const char *path) {
    mobula_store *s = NULL;
    int rc = mobula_store_open(path, &s);
    if (rc == MOBULA_OK) {
        mobula_store_close(s);
    }
    CHECK(rc == MOBULA_OK || s == NULL, "out is NULL on failure");
    return rc;
}

static int test_bad_header(void) {
    arena a;
    if (arena_create(&a, "header", 4, 64, 4096, true) != 0) {
        return 1;
    }
    munmap(a.base, a.bytes);
    a.base = NULL;
    munmap(a.ctl, a.ctl_bytes);
    a.ctl = NULL;
    mobula_store *s = NULL;

    uint64_t bad_magic = MOBULA_ARENA_MAGIC + 1;
    patch_header(a.path, MOBULA_HEADER_MAGIC, &bad_magic, 8);
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    uint64_t magic = MOBULA_ARENA_MAGIC;
    patch_header(a.path, MOBULA_HEADER_MAGIC, &magic, 8);

    uint32_t next_version = MOBULA_STORE_FORMAT_VERSION + 1;
    patch_header(a.path, MOBULA_HEADER_FORMAT_VERSION, &next_version, 4);
    CHECK_RC(open_refused(a.path), MOBULA_EVERSION);
    uint32_t version = MOBULA_STORE_FORMAT_VERSION;
    patch_header(a.path, MOBULA_HEADER_FORMAT_VERSION, &version, 4);

    uint32_t slots = 63; /* not a power of two */
    patch_header(a.path, MOBULA_HEADER_INDEX_SLOTS, &slots, 4);
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    slots = 64;
    patch_header(a.path, MOBULA_HEADER_INDEX_SLOTS, &slots, 4);

    uint64_t too_big = a.bytes + 4096; /* fileBytes larger than the file */
    patch_header(a.path, MOBULA_HEADER_FILE_BYTES, &too_big, 8);
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    uint64_t right = a.bytes;
    patch_header(a.path, MOBULA_HEADER_FILE_BYTES, &right, 8);

    uint64_t overlap = 64; /* index overlapping the header */
    patch_header(a.path, MOBULA_HEADER_INDEX_OFFSET, &overlap, 8);
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    patch_header(a.path, MOBULA_HEADER_INDEX_OFFSET, &a.index, 8);

    uint64_t pins_past = a.ctl_bytes; /* pin table running past controlBytes */
    patch_header(a.path, MOBULA_HEADER_PIN_TABLE_OFFSET, &pins_past, 8);
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    patch_header(a.path, MOBULA_HEADER_PIN_TABLE_OFFSET, &a.pins, 8);

    uint64_t control_too_big = a.ctl_bytes + 4096; /* controlBytes larger than the control file */
    patch_header(a.path, MOBULA_HEADER_CONTROL_BYTES, &control_too_big, 8);
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    uint64_t control_right = a.ctl_bytes;
    patch_header(a.path, MOBULA_HEADER_CONTROL_BYTES, &control_right, 8);

    /* Restored: opens again. */
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_store_close(s);
    }

    /* Without its control file the arena cannot be opened (a system error, ENOENT). */
    char moved[520];
    snprintf(moved, sizeof moved, "%s.moved", a.ctl_path);
    CHECK(rename(a.ctl_path, moved) == 0, "rename");
    errno = 0;
    CHECK_RC(open_refused(a.path), MOBULA_EIO);
    CHECK(errno == ENOENT, "errno ENOENT, got %d", errno);
    CHECK(rename(moved, a.ctl_path) == 0, "rename back");

    /* A data file not named <name>.arena: no control file to find. */
    CHECK_RC(open_refused(a.ctl_path), MOBULA_EINVAL);

    /* A short file and an empty one are not arenas; a missing one is a system error. */
    CHECK(truncate(a.path, 40) == 0, "truncate");
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    CHECK(truncate(a.path, 0) == 0, "truncate");
    CHECK_RC(open_refused(a.path), MOBULA_EFORMAT);
    unlink(a.path);
    errno = 0;
    CHECK_RC(open_refused(a.path), MOBULA_EIO);
    CHECK(errno == ENOENT, "errno ENOENT, got %d", errno);
    CHECK_RC(mobula_store_open(NULL, &s), MOBULA_EINVAL);
    arena_destroy(&a);
    return 0;
}

static int test_strerror(void) {
    for (int c = MOBULA_OK; c <= MOBULA_ENOMEM; c++) {
        const char *m = mobula_store_strerror(c);
        CHECK(m != NULL && *m != '\0' && strcmp(m, mobula_store_strerror(-1)) != 0, "message for %d", c);
    }
    CHECK(mobula_store_strerror(12345) != NULL, "unknown codes have a message");
    return 0;
}

static int test_object_bytes_are_read_only(void) {
    arena a;
    if (arena_create(&a, "readonly", 4, 1024, 8192, true) != 0) {
        return 1;
    }
    unsigned char b[64] = {1, 2, 3};
    write_slot(&a, home_slot(&a, 1, 1), MOBULA_SLOT_SEALED, 2, 1, 1, arena_alloc(&a, b, 64), 64, 1);
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_object o;
        rc = mobula_store_get(s, 1, 1, &o);
        CHECK_RC(rc, MOBULA_OK);
        if (rc == MOBULA_OK) {
            fflush(NULL);
            pid_t child = fork();
            if (child == 0) {
                signal(SIGSEGV, SIG_DFL);
                ((volatile unsigned char *)(uintptr_t)o.data)[0] = 0xff; /* must fault */
                _exit(0);
            }
            int status = 0;
            waitpid(child, &status, 0);
            CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "writing the object faults (status %d)", status);
            CHECK(((const unsigned char *)o.data)[0] == 1, "bytes unchanged");
            mobula_store_release(s, &o);
        }
        mobula_store_close(s);
    }
    arena_destroy(&a);
    return 0;
}

/*
 * Drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from this process's effective set, so file modes
 * bind it even as root (for a non-root user they bind anyway). Returns 0, or -1 if capset failed.
 */
static int drop_file_override(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0) {
        return -1;
    }
    uint32_t drop = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);
    data[0].effective &= ~drop;
    return syscall(SYS_capset, &header, data) == 0 ? 0 : -1;
}

/* The data file is only read: a reader that may not write it (mode 0400) still opens and pins. */
static int test_data_file_needs_no_write_access(void) {
    arena a;
    if (arena_create(&a, "rdonly", 4, 64, 4096, true) != 0) {
        return 1;
    }
    unsigned char b[64];
    fill_pattern(b, sizeof b, 11);
    uint32_t slot = home_slot(&a, 11, 12);
    write_slot(&a, slot, MOBULA_SLOT_SEALED, 2, 11, 12, arena_alloc(&a, b, sizeof b), sizeof b, 1);
    CHECK(chmod(a.path, 0400) == 0, "chmod 0400");
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        if (drop_file_override() != 0) {
            _exit(10);
        }
        if (open(a.path, O_RDWR | O_CLOEXEC) >= 0) {
            _exit(11); /* the mode does not bind this process: the test would prove nothing */
        }
        mobula_store *s = NULL;
        int rc = mobula_store_open(a.path, &s);
        if (rc != MOBULA_OK) {
            _exit(20 + rc);
        }
        mobula_object o;
        rc = mobula_store_get(s, 11, 12, &o);
        int same = rc == MOBULA_OK && o.size == sizeof b && memcmp(o.data, b, sizeof b) == 0;
        if (rc == MOBULA_OK) {
            mobula_store_release(s, &o);
        }
        mobula_store_close(s);
        _exit(same ? 0 : 40 + rc);
    }
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "a reader without write access to the data file opens it and gets the object (child exit %d: "
          "10 capset failed, 11 mode not binding, 2x open failed with x, 4x get failed with x)",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    CHECK(client_pid(&a, 1) == 0, "the child's entry is freed");
    arena_destroy(&a);
    return 0;
}

/* Regions packed without page alignment: the pin row shares pages with other regions. */
static int test_packed_layout(void) {
    arena a;
    if (arena_create(&a, "packed", 5, 16, 4096, false) != 0) {
        return 1;
    }
    unsigned char b[100];
    fill_pattern(b, sizeof b, 3);
    uint32_t slot = home_slot(&a, 3, 4);
    write_slot(&a, slot, MOBULA_SLOT_SEALED, 5, 3, 4, arena_alloc(&a, b, sizeof b), sizeof b, 1);
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        mobula_object o;
        rc = mobula_store_get(s, 3, 4, &o);
        CHECK_RC(rc, MOBULA_OK);
        if (rc == MOBULA_OK) {
            CHECK(memcmp(o.data, b, sizeof b) == 0 && o.kind == 5, "bytes");
            CHECK(pin_count(&a, mobula_store_client_index(s), slot) == 1, "pinned");
            mobula_store_release(s, &o);
            CHECK(pin_count(&a, mobula_store_client_index(s), slot) == 0, "unpinned");
        }
        mobula_store_close(s);
        CHECK(client_pid(&a, 1) == 0, "entry freed");
    }
    arena_destroy(&a);
    return 0;
}

static int test_close_drops_leftover_pins(void) {
    arena a;
    if (arena_create(&a, "leftover", 4, 64, 4096, true) != 0) {
        return 1;
    }
    unsigned char b[8] = {0};
    uint32_t slot = home_slot(&a, 9, 9);
    write_slot(&a, slot, MOBULA_SLOT_SEALED, 2, 9, 9, arena_alloc(&a, b, 8), 8, 1);
    mobula_store *s = NULL;
    int rc = mobula_store_open(a.path, &s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc == MOBULA_OK) {
        uint32_t c = mobula_store_client_index(s);
        mobula_object o1, o2;
        CHECK_RC(mobula_store_get(s, 9, 9, &o1), MOBULA_OK);
        CHECK_RC(mobula_store_get(s, 9, 9, &o2), MOBULA_OK);
        CHECK(pin_count(&a, c, slot) == 2, "two pins held");
        mobula_store_close(s); /* without releasing */
        CHECK(pin_count(&a, c, slot) == 0, "the row is zeroed before the entry is freed, count %u",
              pin_count(&a, c, slot));
        CHECK(client_pid(&a, c) == 0, "entry freed");
    }
    arena_destroy(&a);
    return 0;
}

/*
 * Pin against delete, concurrently: a "node" thread keeps deleting and re-sealing one object under
 * the same id with a new generation and new contents, freeing (overwriting) the block only when no
 * client row pins the slot, exactly as the doc's Delete protocol says. Reader threads sharing one
 * handle check that what they pinned is never overwritten while pinned.
 */
enum { STRESS_BLOCK = 4096 };

typedef struct {
    arena *a;
    mobula_store *s;
    uint32_t slot;
    uint64_t off;
    atomic_bool stop;
    atomic_ulong gets, misses, torn, rounds;
} stress_ctx;

static void *stress_node(void *arg) {
    stress_ctx *x = arg;
    arena *a = x->a;
    uint64_t so = slot_off(a, x->slot);
    for (uint64_t gen = 2; !atomic_load(&x->stop); gen++) {
        /* Delete: TOMBSTONE, full fence, then wait until every row's counter is zero. */
        atomic_store_explicit(a32(a, so), MOBULA_SLOT_TOMBSTONE, memory_order_release);
        atomic_thread_fence(memory_order_seq_cst);
        for (uint32_t c = 0; c < a->max_clients; c++) {
            while (pin_count(a, c, x->slot) != 0) {
                /* spin: the readers hold pins only briefly */
            }
        }
        /* Free and reuse the block: new contents, all bytes equal, the generation up front. */
        unsigned char *block = a->base + x->off;
        memset(block, (int)(gen & 0xff), STRESS_BLOCK);
        memcpy(block, &gen, 8);
        write_slot(a, x->slot, MOBULA_SLOT_SEALED, 2, 0x5555, 0x6666, x->off, STRESS_BLOCK, gen);
        seal_notify(a);
        atomic_fetch_add(&x->rounds, 1);
    }
    return NULL;
}

static void *stress_reader(void *arg) {
    stress_ctx *x = arg;
    while (!atomic_load(&x->stop)) {
        mobula_object o;
        int rc = mobula_store_get(x->s, 0x5555, 0x6666, &o);
        if (rc != MOBULA_OK) {
            atomic_fetch_add(&x->misses, 1);
            continue;
        }
        const unsigned char *p = o.data;
        uint64_t gen;
        memcpy(&gen, p, 8);
        bool ok = gen == o.generation;
        for (size_t i = 8; i < STRESS_BLOCK; i += 61) {
            ok = ok && p[i] == (unsigned char)(gen & 0xff);
        }
        ok = ok && p[STRESS_BLOCK - 1] == (unsigned char)(gen & 0xff);
        /* Read again at the end: a block freed under us would have changed by now. */
        uint64_t again;
        memcpy(&again, p, 8);
        ok = ok && again == gen;
        if (!ok) {
            atomic_fetch_add(&x->torn, 1);
        }
        atomic_fetch_add(&x->gets, 1);
        mobula_store_release(x->s, &o);
    }
    return NULL;
}

static int test_pin_holds_against_concurrent_delete(void) {
    arena a;
    if (arena_create(&a, "stress", 4, 64, 2 * STRESS_BLOCK, true) != 0) {
        return 1;
    }
    stress_ctx x;
    memset(&x, 0, sizeof x);
    x.a = &a;
    x.slot = home_slot(&a, 0x5555, 0x6666);
    unsigned char first[STRESS_BLOCK];
    uint64_t gen1 = 1;
    memset(first, 1, sizeof first);
    memcpy(first, &gen1, 8);
    x.off = arena_alloc(&a, first, sizeof first);
    write_slot(&a, x.slot, MOBULA_SLOT_SEALED, 2, 0x5555, 0x6666, x.off, STRESS_BLOCK, 1);
    int rc = mobula_store_open(a.path, &x.s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc != MOBULA_OK) {
        arena_destroy(&a);
        return 0;
    }
    pthread_t node, readers[3];
    pthread_create(&node, NULL, stress_node, &x);
    for (int i = 0; i < 3; i++) {
        pthread_create(&readers[i], NULL, stress_reader, &x);
    }
    struct timespec d = {0, 400 * 1000 * 1000};
    nanosleep(&d, NULL);
    atomic_store(&x.stop, true);
    for (int i = 0; i < 3; i++) {
        pthread_join(readers[i], NULL);
    }
    pthread_join(node, NULL);
    unsigned long gets = atomic_load(&x.gets), torn = atomic_load(&x.torn), rounds = atomic_load(&x.rounds);
    printf("  stress: %lu gets, %lu misses, %lu delete/re-seal rounds, %lu torn\n", gets,
           (unsigned long)atomic_load(&x.misses), rounds, torn);
    CHECK(torn == 0, "%lu gets saw their bytes change while pinned", torn);
    CHECK(gets > 0 && rounds > 0, "both sides made progress");
    CHECK(pin_count(&a, mobula_store_client_index(x.s), x.slot) == 0, "all pins released");
    mobula_store_close(x.s);
    arena_destroy(&a);
    return 0;
}

/*
 * Moves against lookups: a "node" thread keeps moving one sealed object between two slots of its
 * probe path, the way the node compacts its index (indexSequence odd, tombstone the old slot, full
 * fence, pin check, fill the new slot with the next generation, SEALED, indexSequence even).
 * Readers look the object up without waiting: a sealed object must never be reported absent, and
 * what they pin must be its bytes.
 */
typedef struct {
    arena *a;
    mobula_store *s;
    uint32_t home;
    uint64_t off;
    atomic_bool stop;
    atomic_ulong gets, absent, wrong, moves, blocked;
} move_ctx;

static void *move_node(void *arg) {
    move_ctx *x = arg;
    arena *a = x->a;
    uint32_t mask = a->index_slots - 1;
    uint32_t at = x->home;
    uint64_t gen = 1;
    while (!atomic_load(&x->stop)) {
        uint32_t to = at == x->home ? (x->home + 1) & mask : x->home;
        uint64_t from_off = slot_off(a, at);
        atomic_fetch_add_explicit(a32(a, MOBULA_HEADER_INDEX_SEQUENCE), 1, memory_order_seq_cst); /* odd */
        atomic_thread_fence(memory_order_release);
        atomic_store_explicit(a32(a, from_off + MOBULA_SLOT_STATE), MOBULA_SLOT_TOMBSTONE, memory_order_seq_cst);
        atomic_thread_fence(memory_order_seq_cst);
        bool pinned = false;
        for (uint32_t c = 0; c < a->max_clients; c++) {
            pinned = pinned || pin_count(a, c, at) != 0;
        }
        if (pinned) {
            atomic_store_explicit(a32(a, from_off + MOBULA_SLOT_STATE), MOBULA_SLOT_SEALED, memory_order_seq_cst);
            atomic_fetch_add(&x->blocked, 1);
        } else {
            write_slot(a, to, MOBULA_SLOT_SEALED, 2, 0x7777, 0x8888, x->off, STRESS_BLOCK, ++gen);
            at = to;
            atomic_fetch_add(&x->moves, 1);
        }
        atomic_fetch_add_explicit(a32(a, MOBULA_HEADER_INDEX_SEQUENCE), 1, memory_order_release); /* even */
    }
    return NULL;
}

static void *move_reader(void *arg) {
    move_ctx *x = arg;
    while (!atomic_load(&x->stop)) {
        mobula_object o;
        int rc = mobula_store_get(x->s, 0x7777, 0x8888, &o);
        if (rc != MOBULA_OK) {
            atomic_fetch_add(&x->absent, 1);
            continue;
        }
        if (o.size != STRESS_BLOCK || ((const unsigned char *)o.data)[STRESS_BLOCK - 1] != 0x5a) {
            atomic_fetch_add(&x->wrong, 1);
        }
        atomic_fetch_add(&x->gets, 1);
        mobula_store_release(x->s, &o);
    }
    return NULL;
}

static int test_moves_never_hide_a_sealed_object(void) {
    arena a;
    if (arena_create(&a, "moves", 4, 64, 2 * STRESS_BLOCK, true) != 0) {
        return 1;
    }
    move_ctx x;
    memset(&x, 0, sizeof x);
    x.a = &a;
    x.home = home_slot(&a, 0x7777, 0x8888);
    unsigned char bytes[STRESS_BLOCK];
    memset(bytes, 0x5a, sizeof bytes);
    x.off = arena_alloc(&a, bytes, sizeof bytes);
    /* The object starts one slot past its home, behind a hole (a freed TOMBSTONE). */
    write_slot(&a, x.home, MOBULA_SLOT_TOMBSTONE, 2, 1, 1, 0, 0, 1);
    write_slot(&a, (x.home + 1) & 63, MOBULA_SLOT_SEALED, 2, 0x7777, 0x8888, x.off, STRESS_BLOCK, 1);
    int rc = mobula_store_open(a.path, &x.s);
    CHECK_RC(rc, MOBULA_OK);
    if (rc != MOBULA_OK) {
        arena_destroy(&a);
        return 0;
    }
    pthread_t node, readers[2];
    pthread_create(&node, NULL, move_node, &x);
    for (int i = 0; i < 2; i++) {
        pthread_create(&readers[i], NULL, move_reader, &x);
    }
    struct timespec d = {0, 500 * 1000 * 1000};
    nanosleep(&d, NULL);
    atomic_store(&x.stop, true);
    for (int i = 0; i < 2; i++) {
        pthread_join(readers[i], NULL);
    }
    pthread_join(node, NULL);
    unsigned long absent = atomic_load(&x.absent);
    printf("  moves: %lu gets, %lu absent, %lu wrong, %lu moves, %lu moves stopped by a pin\n",
           (unsigned long)atomic_load(&x.gets), absent, (unsigned long)atomic_load(&x.wrong),
           (unsigned long)atomic_load(&x.moves), (unsigned long)atomic_load(&x.blocked));
    CHECK(absent == 0, "%lu lookups reported a sealed object absent while it moved", absent);
    CHECK(atomic_load(&x.wrong) == 0, "pinned bytes are the object's");
    CHECK(atomic_load(&x.gets) > 0 && atomic_load(&x.moves) > 0, "both sides made progress");
    mobula_store_close(x.s);
    arena_destroy(&a);
    return 0;
}

/* ---- Runner ---- */

typedef struct {
    const char *name;
    int (*fn)(void);
} test_case;

int main(void) {
    test_case tests[] = {
        {"hash matches ObjectId.hashCode()", test_hash_matches_java},
        {"client entry claimed on open, released on close", test_client_claimed_and_released},
        {"full client table -> ENOCLIENT", test_client_table_full},
        {"get: bytes, size, kind; pins 1 then 0", test_get_bytes_size_kind_and_pins},
        {"unknown id -> ENOTFOUND", test_unknown_id_not_found},
        {"TOMBSTONE in the probe chain is skipped; wrap-around", test_tombstone_in_probe_chain_skipped},
        {"CREATED -> ENOTSEALED", test_created_is_not_sealed},
        {"wait_get: seal by another process wakes it; timeouts", test_wait_get_sealed_by_other_process},
        {"bad magic -> EFORMAT; version -> EVERSION; bad layout", test_bad_header},
        {"strerror", test_strerror},
        {"object bytes are mapped read-only", test_object_bytes_are_read_only},
        {"the data file needs no write access (mode 0400)", test_data_file_needs_no_write_access},
        {"packed (not page-aligned) layout", test_packed_layout},
        {"close drops leftover pins", test_close_drops_leftover_pins},
        {"pins hold against concurrent delete and reuse", test_pin_holds_against_concurrent_delete},
        {"moves never make a sealed object look absent", test_moves_never_hide_a_sealed_object},
    };
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        check_failures = 0;
        int setup = tests[i].fn();
        if (setup == 0 && check_failures == 0) {
            printf("PASS %s\n", tests[i].name);
            passed++;
        } else {
            printf("FAIL %s%s\n", tests[i].name, setup != 0 ? " (setup failed)" : "");
            failed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
