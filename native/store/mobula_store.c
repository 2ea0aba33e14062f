/*
 * Zero-copy reader of the Mobula object-store arena, format version 2
 * (docs/object-store-format.md; the API is documented in mobula_store.h).
 *
 * Who writes what:
 *   - the node writes the data file (header, index, data) and its own pin row (client 0);
 *   - this reader writes only (a) its own client-table entry, with a CAS to claim it and a store
 *     to free it, and (b) its own row of the pin table, both in the control file.
 * So the data file is opened O_RDONLY and mapped PROT_READ (a reader needs no write permission on
 * it); the control file is mapped PROT_READ as a whole, its pin row made writable with mprotect
 * for the life of the handle and its client entry only while it is claimed or freed.
 *
 * Memory ordering, in one place (each use below refers back here):
 *   - Every word the node may write concurrently is read with an atomic load, so racing with the
 *     node is never a data race in the C11 sense, and 64-bit words are never torn.
 *   - The node publishes a slot with `state = SEALED` (release) after writing the other fields;
 *     loading `state` with acquire makes those fields visible.
 *   - Pin vs. delete is a store-buffering (Dekker) handshake:
 *         reader: counter += 1 (seq_cst RMW);  load state (seq_cst)
 *         node:   state = TOMBSTONE;  full fence (seq_cst);  load every row's counter
 *     With both sides sequentially consistent, at least one sees the other: either the node sees
 *     our pin (and postpones freeing the block) or we see TOMBSTONE (and back off). The state
 *     re-check is a seq_cst load rather than a plain acquire: C11 only promises that a load
 *     ordered after the node's fence in the single total order S observes the TOMBSTONE if that
 *     load itself is in S. On x86-64 and arm64 it costs the same as acquire (mov / ldar).
 *   - Unpinning is a release decrement, so all our reads of the bytes happen before the node can
 *     observe the lower count and reuse the block.
 *   - The seal futex word is read with acquire, before the lookup; see wait_get for why that
 *     loses no wake-up.
 *   - Moves (a seqlock): the node moves sealed entries back towards their home slot, with
 *     indexSequence odd while it does (odd increment, fence, the moves, even increment). A lookup
 *     that finds nothing loads the sequence with acquire before probing and again after an acquire
 *     fence; if it was odd or changed, a move may have carried the id past the probe, so it looks
 *     again. A lookup that finds the id needs no check: the pin re-check rejects a slot the
 *     object has left (the node tombstones it before the pin check, as for a delete).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* syscall(), for SYS_futex */
#endif
#include "mobula_store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/* The format is little-endian and this reader uses the mapped words as native integers. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mobula_store reads a little-endian arena in place: only little-endian hosts are supported"
#endif

/*
 * The mapped words are shared with another process (the node's JVM), so the atomics must be
 * lock-free (hence address-free) and have the layout of the plain integers in the file.
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");
_Static_assert(sizeof(_Atomic uint32_t) == 4 && _Alignof(_Atomic uint32_t) == 4, "u32 layout");
_Static_assert(sizeof(_Atomic uint64_t) == 8 && _Alignof(_Atomic uint64_t) == 8, "u64 layout");

/* The format's numbers are in mobula_store.h (MOBULA_ARENA_*, MOBULA_HEADER_*, MOBULA_SLOT_*, ...). */

struct mobula_store {
    unsigned char *base;   /* the whole data file, PROT_READ */
    size_t map_bytes;      /* the data file's size at open, >= fileBytes */
    unsigned char *ctl;    /* the whole control file, PROT_READ except the ranges below */
    size_t ctl_bytes;      /* controlBytes */
    size_t page;

    uint64_t client_table_offset;
    uint32_t max_clients;
    uint64_t index_offset;
    uint32_t index_slots;  /* a power of two */
    uint64_t pin_table_offset;
    uint64_t data_offset;
    uint64_t data_bytes;
    uint64_t control_bytes;

    uint32_t client;               /* our entry in the client table, >= 1 */
    _Atomic uint32_t *pins;        /* our row: pins[slot], writable */
    _Atomic uint32_t *seal_sequence;
    _Atomic uint32_t *index_sequence;

    /* Pins this handle holds, so close knows whether the row needs zeroing (see close). */
    atomic_ulong pins_held;
};

/* ---- Small helpers ---- */

static inline uint64_t read_u64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint32_t read_u32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Views of mapped words as atomics. The offsets are checked for alignment at open. */
static inline _Atomic uint32_t *u32_at(const mobula_store *s, uint64_t offset) {
    return (_Atomic uint32_t *)(void *)(s->base + offset);
}

static inline _Atomic uint64_t *u64_at(const mobula_store *s, uint64_t offset) {
    return (_Atomic uint64_t *)(void *)(s->base + offset);
}

/* The same, in the control file (client table, pin table). */
static inline _Atomic uint64_t *ctl_u64_at(const mobula_store *s, uint64_t offset) {
    return (_Atomic uint64_t *)(void *)(s->ctl + offset);
}

static inline uint64_t slot_offset(const mobula_store *s, uint32_t slot) {
    return s->index_offset + (uint64_t)slot * MOBULA_ARENA_SLOT_BYTES;
}

static inline uint64_t client_offset(const mobula_store *s, uint32_t client) {
    return s->client_table_offset + (uint64_t)client * MOBULA_ARENA_CLIENT_BYTES;
}

uint32_t mobula_store_id_hash(uint64_t id_high, uint64_t id_low) {
    /* ObjectId.hashCode(): a 64-bit multiply-xor mix folded to 32 bits (unsigned here). */
    uint64_t h = (id_high * 0x9E3779B97F4A7C15ULL) ^ (id_low * 0xC2B2AE3D27D4EB4FULL);
    return (uint32_t)(h ^ (h >> 32));
}

/*
 * Changes the protection of the pages covering control-file bytes [offset, offset + length).
 * mprotect works on whole pages, so neighbouring bytes that share a page share the protection; the
 * node avoids that by page-aligning the pin table (rows are then whole pages once indexSlots >= 1024).
 */
static int protect_range(mobula_store *s, uint64_t offset, uint64_t length, int prot) {
    uint64_t page = s->page;
    uint64_t start = offset & ~(page - 1);
    uint64_t end = (offset + length + page - 1) & ~(page - 1);
    if (mprotect(s->ctl + start, (size_t)(end - start), prot) != 0) {
        return MOBULA_EIO;
    }
    return MOBULA_OK;
}

/*
 * This process's start time, field 22 of /proc/self/stat (clock ticks since boot), the value the
 * node compares with /proc/<pid>/stat to tell us from a later process that reuses our pid.
 */
static int read_start_time(uint64_t *out) {
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return MOBULA_EIO;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    int saved = errno;
    close(fd);
    if (n <= 0) {
        errno = n < 0 ? saved : EIO;
        return MOBULA_EIO;
    }
    buf[n] = '\0';
    /* Field 2, the command name, is in parentheses and may itself hold spaces and ')', so count
     * from the last ')': the field after it is field 3, so field 22 is the 20th after it. */
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        errno = EIO;
        return MOBULA_EIO;
    }
    p++;
    for (int field = 3; field <= 22; field++) {
        while (*p == ' ') {
            p++;
        }
        if (*p == '\0') {
            errno = EIO;
            return MOBULA_EIO;
        }
        if (field == 22) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(p, &end, 10);
            if (end == p || errno != 0) {
                errno = EIO;
                return MOBULA_EIO;
            }
            *out = (uint64_t)v;
            return MOBULA_OK;
        }
        while (*p != ' ' && *p != '\0') {
            p++;
        }
    }
    errno = EIO;
    return MOBULA_EIO;
}

/* end = offset + count * unit, false on overflow or if the range passes `limit`. */
static bool region_end(uint64_t offset, uint64_t count, uint64_t unit, uint64_t limit, uint64_t *end) {
    uint64_t bytes;
    if (__builtin_mul_overflow(count, unit, &bytes) || __builtin_add_overflow(offset, bytes, end)) {
        return false;
    }
    return *end <= limit;
}

/*
 * Checks the header of the mapped data file (`file_size` >= MOBULA_ARENA_HEADER_USED_BYTES bytes
 * at s->base) and fills the layout fields of `s`. The regions must be in the documented order in
 * their file and must not overlap; gaps between them (e.g. padding to page boundaries) are
 * allowed. The control file's size is checked against controlBytes once it is open.
 */
static int parse_header(mobula_store *s, uint64_t file_size) {
    const unsigned char *h = s->base;
    /*
     * The node writes the magic last, with release, once the rest of the header is in place; an
     * acquire load that sees it therefore sees the whole header. A file caught before that (the
     * node still creating it) reads as "not an arena": MOBULA_EFORMAT, and the caller may retry.
     */
    uint64_t magic = atomic_load_explicit(u64_at(s, MOBULA_HEADER_MAGIC), memory_order_acquire);
    if (magic != MOBULA_ARENA_MAGIC) {
        return MOBULA_EFORMAT;
    }
    if (read_u32(h + MOBULA_HEADER_FORMAT_VERSION) != MOBULA_STORE_FORMAT_VERSION) {
        return MOBULA_EVERSION;
    }
    uint32_t header_bytes = read_u32(h + MOBULA_HEADER_HEADER_BYTES);
    uint64_t file_bytes = read_u64(h + MOBULA_HEADER_FILE_BYTES);
    s->client_table_offset = read_u64(h + MOBULA_HEADER_CLIENT_TABLE_OFFSET);
    s->max_clients = read_u32(h + MOBULA_HEADER_MAX_CLIENTS);
    uint32_t client_bytes = read_u32(h + MOBULA_HEADER_CLIENT_BYTES);
    s->index_offset = read_u64(h + MOBULA_HEADER_INDEX_OFFSET);
    s->index_slots = read_u32(h + MOBULA_HEADER_INDEX_SLOTS);
    uint32_t slot_bytes = read_u32(h + MOBULA_HEADER_SLOT_BYTES);
    s->pin_table_offset = read_u64(h + MOBULA_HEADER_PIN_TABLE_OFFSET);
    s->data_offset = read_u64(h + MOBULA_HEADER_DATA_OFFSET);
    s->data_bytes = read_u64(h + MOBULA_HEADER_DATA_BYTES);
    s->control_bytes = read_u64(h + MOBULA_HEADER_CONTROL_BYTES);

    if (header_bytes < MOBULA_ARENA_HEADER_USED_BYTES || client_bytes != MOBULA_ARENA_CLIENT_BYTES ||
        slot_bytes != MOBULA_ARENA_SLOT_BYTES) {
        return MOBULA_EFORMAT;
    }
    if (s->max_clients == 0 || s->index_slots == 0 || (s->index_slots & (s->index_slots - 1)) != 0) {
        return MOBULA_EFORMAT;
    }
    /* Atomics need natural alignment: u64 words in entries and slots, u32 counters. */
    if (s->client_table_offset % 8 != 0 || s->index_offset % 8 != 0 || s->pin_table_offset % 4 != 0 ||
        s->data_offset % MOBULA_ARENA_ALIGNMENT != 0) {
        return MOBULA_EFORMAT;
    }
    if (file_bytes > file_size) {
        return MOBULA_EFORMAT;
    }
    uint64_t end;
    /* Data file: header, index, data. */
    if (s->index_offset < header_bytes ||
        !region_end(s->index_offset, s->index_slots, MOBULA_ARENA_SLOT_BYTES, s->data_offset, &end) ||
        !region_end(s->data_offset, s->data_bytes, 1, file_bytes, &end)) {
        return MOBULA_EFORMAT;
    }
    /* Control file: client table, pin table. */
    if (s->control_bytes > (uint64_t)SIZE_MAX ||
        !region_end(s->client_table_offset, s->max_clients, MOBULA_ARENA_CLIENT_BYTES, s->pin_table_offset, &end) ||
        !region_end(s->pin_table_offset, (uint64_t)s->max_clients * s->index_slots, MOBULA_ARENA_PIN_BYTES,
                    s->control_bytes, &end)) {
        return MOBULA_EFORMAT;
    }
    return MOBULA_OK;
}

/*
 * Claims a free client entry (1 .. maxClients-1; 0 is the node) and records our start time.
 * The client table is writable only for the duration of this call.
 */
static int claim_client(mobula_store *s, uint64_t start_time) {
    if (s->max_clients < 2) {
        return MOBULA_ENOCLIENT; /* only the node's own entry */
    }
    uint64_t table_rest = (uint64_t)(s->max_clients - 1) * MOBULA_ARENA_CLIENT_BYTES;
    int rc = protect_range(s, client_offset(s, 1), table_rest, PROT_READ | PROT_WRITE);
    if (rc != MOBULA_OK) {
        return rc;
    }
    uint64_t pid = (uint64_t)getpid();
    rc = MOBULA_ENOCLIENT;
    for (uint32_t c = 1; c < s->max_clients; c++) {
        _Atomic uint64_t *entry_pid = ctl_u64_at(s, client_offset(s, c) + MOBULA_CLIENT_PID);
        /* Cheap check first, so a full table costs loads, not locked RMWs. */
        if (atomic_load_explicit(entry_pid, memory_order_relaxed) != 0) {
            continue;
        }
        uint64_t expected = 0;
        /* Acquire: pairs with the release store of pid 0 that freed the entry (by the node, or
         * by the previous owner's close), so the row they zeroed before that is seen as zero. */
        if (atomic_compare_exchange_strong_explicit(entry_pid, &expected, pid, memory_order_acquire,
                                                    memory_order_relaxed)) {
            /* Release: the node reads pid, then startTime; it sees the pid at least as soon. */
            atomic_store_explicit(ctl_u64_at(s, client_offset(s, c) + MOBULA_CLIENT_START_TIME), start_time,
                                  memory_order_release);
            s->client = c;
            rc = MOBULA_OK;
            break;
        }
    }
    int back = protect_range(s, client_offset(s, 1), table_rest, PROT_READ);
    if (rc == MOBULA_OK && back != MOBULA_OK) {
        rc = back; /* the caller frees the entry it got */
    }
    return rc;
}

/* Frees our client entry: startTime first, then pid (release), so the row zeroing done before
 * is visible to whoever claims the entry next. */
static void free_client(mobula_store *s) {
    uint64_t entry = client_offset(s, s->client);
    if (protect_range(s, entry, MOBULA_ARENA_CLIENT_BYTES, PROT_READ | PROT_WRITE) != MOBULA_OK) {
        return; /* cannot write it; the node frees it once our pid is gone */
    }
    atomic_store_explicit(ctl_u64_at(s, entry + MOBULA_CLIENT_START_TIME), 0, memory_order_relaxed);
    atomic_store_explicit(ctl_u64_at(s, entry + MOBULA_CLIENT_PID), 0, memory_order_release);
}

/* ---- Open and close ---- */

/*
 * The control file's path: `path` with its ".arena" ending replaced by ".control". Returns a
 * malloc'd string, or NULL (errno EINVAL: not an ".arena" name; ENOMEM).
 */
static char *control_path(const char *path) {
    static const char data_suffix[] = ".arena";
    static const char control_suffix[] = ".control";
    size_t n = strlen(path);
    size_t ds = sizeof data_suffix - 1;
    if (n <= ds || strcmp(path + n - ds, data_suffix) != 0) {
        errno = EINVAL;
        return NULL;
    }
    char *control = malloc(n - ds + sizeof control_suffix);
    if (control == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    memcpy(control, path, n - ds);
    memcpy(control + n - ds, control_suffix, sizeof control_suffix);
    return control;
}

static int open_error(void) {
    return (errno == EACCES || errno == EPERM || errno == EROFS) ? MOBULA_EACCES : MOBULA_EIO;
}

/* Unmaps what open mapped so far and frees the handle, keeping errno. */
static void discard(mobula_store *s) {
    int saved = errno;
    if (s->ctl != NULL) {
        munmap(s->ctl, s->ctl_bytes);
    }
    if (s->base != NULL) {
        munmap(s->base, s->map_bytes);
    }
    free(s);
    errno = saved;
}

int mobula_store_open(const char *path, mobula_store **out) {
    if (path == NULL || out == NULL) {
        return MOBULA_EINVAL;
    }
    *out = NULL;

    uint64_t start_time;
    int rc = read_start_time(&start_time);
    if (rc != MOBULA_OK) {
        return rc;
    }
    char *control = control_path(path);
    if (control == NULL) {
        return errno == ENOMEM ? MOBULA_ENOMEM : MOBULA_EINVAL;
    }

    /* The data file, read-only: the node alone writes it, so no reader needs write access. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        free(control);
        return open_error();
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        free(control);
        errno = saved;
        return MOBULA_EIO;
    }
    if ((uint64_t)st.st_size < MOBULA_ARENA_HEADER_USED_BYTES || (uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
        close(fd);
        free(control);
        return MOBULA_EFORMAT; /* too short to be an arena (or, on 32-bit, too large to map) */
    }

    mobula_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        close(fd);
        free(control);
        return MOBULA_ENOMEM;
    }
    long page = sysconf(_SC_PAGESIZE);
    s->page = page > 0 ? (size_t)page : 4096;
    atomic_init(&s->pins_held, 0);

    /* The whole data file, read-only: the header is checked in place (see parse_header). */
    s->map_bytes = (size_t)st.st_size;
    void *base = mmap(NULL, s->map_bytes, PROT_READ, MAP_SHARED, fd, 0);
    int saved = errno;
    close(fd);
    if (base == MAP_FAILED) {
        free(s);
        free(control);
        errno = saved;
        return MOBULA_EIO;
    }
    s->base = base;

    rc = parse_header(s, (uint64_t)st.st_size);
    if (rc != MOBULA_OK) {
        free(control);
        discard(s);
        return rc;
    }
    s->seal_sequence = u32_at(s, MOBULA_HEADER_SEAL_SEQUENCE);
    s->index_sequence = u32_at(s, MOBULA_HEADER_INDEX_SEQUENCE);

    /* The control file, read-write, although it is mapped read-only: a MAP_SHARED mapping can
     * only be made writable later (for the pin row) if the file was opened for writing. */
    fd = open(control, O_RDWR | O_CLOEXEC);
    free(control);
    if (fd < 0) {
        rc = open_error();
        discard(s);
        return rc;
    }
    if (fstat(fd, &st) != 0) {
        saved = errno;
        close(fd);
        errno = saved;
        discard(s);
        return MOBULA_EIO;
    }
    if (s->control_bytes == 0 || (uint64_t)st.st_size < s->control_bytes) {
        close(fd);
        discard(s);
        return MOBULA_EFORMAT; /* not the control file the header describes */
    }
    s->ctl_bytes = (size_t)s->control_bytes;
    void *ctl = mmap(NULL, s->ctl_bytes, PROT_READ, MAP_SHARED, fd, 0);
    saved = errno;
    close(fd); /* the mappings keep the files; mprotect needs no descriptor */
    if (ctl == MAP_FAILED) {
        errno = saved;
        discard(s);
        return MOBULA_EIO;
    }
    s->ctl = ctl;

    rc = claim_client(s, start_time);
    if (rc != MOBULA_OK) {
        if (s->client != 0) {
            free_client(s);
        }
        discard(s);
        return rc;
    }

    /* Our pin row becomes writable last, so restoring the client table to read-only above cannot
     * take write access away from a page the two happen to share. */
    uint64_t row = s->pin_table_offset + (uint64_t)s->client * s->index_slots * MOBULA_ARENA_PIN_BYTES;
    rc = protect_range(s, row, (uint64_t)s->index_slots * MOBULA_ARENA_PIN_BYTES, PROT_READ | PROT_WRITE);
    if (rc != MOBULA_OK) {
        free_client(s);
        discard(s);
        return rc;
    }
    s->pins = (_Atomic uint32_t *)(void *)(s->ctl + row);

    *out = s;
    return MOBULA_OK;
}

void mobula_store_close(mobula_store *store) {
    if (store == NULL) {
        return;
    }
    /*
     * Pins left behind must not outlive the entry: once the entry is free the node no longer
     * watches it, and the next process to claim it would inherit the counts. Scanning the row
     * only when pins are outstanding avoids touching (and so allocating) a large row's pages.
     */
    if (atomic_load_explicit(&store->pins_held, memory_order_relaxed) != 0) {
        for (uint32_t i = 0; i < store->index_slots; i++) {
            if (atomic_load_explicit(&store->pins[i], memory_order_relaxed) != 0) {
                /* Release, like any unpin: our reads of the bytes come before the drop. */
                atomic_store_explicit(&store->pins[i], 0, memory_order_release);
            }
        }
    }
    free_client(store);
    discard(store);
}

uint32_t mobula_store_client_index(const mobula_store *store) {
    return store != NULL ? store->client : 0;
}

/* ---- Lookup and pinning ---- */

/*
 * One pass of linear probing from the id's home slot: stops at the id or at an EMPTY slot, skips
 * TOMBSTONEs (and other ids). At most indexSlots probes, so a table with no EMPTY slot left still
 * terminates. On MOBULA_OK, *slot_out and *generation_out name the sealed slot as it was when
 * read; the caller pins and re-validates.
 */
static int probe(const mobula_store *s, uint64_t id_high, uint64_t id_low, uint32_t *slot_out,
                 uint64_t *generation_out) {
    uint32_t mask = s->index_slots - 1;
    uint32_t slot = mobula_store_id_hash(id_high, id_low) & mask;
    for (uint32_t probes = 0; probes < s->index_slots; probes++, slot = (slot + 1) & mask) {
        uint64_t so = slot_offset(s, slot);
        /* Acquire: if this reads SEALED, the id, offset, size and generation the node wrote
         * before sealing are visible to the loads below. */
        uint32_t state = atomic_load_explicit(u32_at(s, so + MOBULA_SLOT_STATE), memory_order_acquire);
        if (state == MOBULA_SLOT_EMPTY) {
            return MOBULA_ENOTFOUND;
        }
        if (state == MOBULA_SLOT_TOMBSTONE) {
            continue;
        }
        if (state != MOBULA_SLOT_CREATED && state != MOBULA_SLOT_SEALED) {
            return MOBULA_EFORMAT;
        }
        /* Relaxed is enough: ordered after the acquire above, and for a slot that is not pinned
         * they may be mid-rewrite anyway; the pin-and-recheck in get catches that. */
        if (atomic_load_explicit(u64_at(s, so + MOBULA_SLOT_ID_HIGH), memory_order_relaxed) != id_high ||
            atomic_load_explicit(u64_at(s, so + MOBULA_SLOT_ID_LOW), memory_order_relaxed) != id_low) {
            continue;
        }
        if (state == MOBULA_SLOT_CREATED) {
            return MOBULA_ENOTSEALED;
        }
        *slot_out = slot;
        *generation_out = atomic_load_explicit(u64_at(s, so + MOBULA_SLOT_GENERATION), memory_order_relaxed);
        return MOBULA_OK;
    }
    return MOBULA_ENOTFOUND;
}

/*
 * probe(), repeated while the node moves entries: a miss counts only if indexSequence was even
 * before the probe and unchanged after it (the seqlock in the file comment).
 */
static int lookup(const mobula_store *s, uint64_t id_high, uint64_t id_low, uint32_t *slot_out,
                  uint64_t *generation_out) {
    for (unsigned attempt = 0;; attempt++) {
        uint32_t before = atomic_load_explicit(s->index_sequence, memory_order_acquire);
        int rc = probe(s, id_high, id_low, slot_out, generation_out);
        if (rc != MOBULA_ENOTFOUND) {
            return rc;
        }
        atomic_thread_fence(memory_order_acquire);
        uint32_t after = atomic_load_explicit(s->index_sequence, memory_order_relaxed);
        if ((before & 1u) == 0 && before == after) {
            return MOBULA_ENOTFOUND;
        }
        if (attempt > 64) {
            sched_yield(); /* the node is mid-move, perhaps descheduled: let it finish */
        }
    }
}

int mobula_store_get(mobula_store *store, uint64_t id_high, uint64_t id_low, mobula_object *out) {
    if (store == NULL || out == NULL) {
        return MOBULA_EINVAL;
    }
    for (;;) {
        uint32_t slot;
        uint64_t generation;
        int rc = lookup(store, id_high, id_low, &slot, &generation);
        if (rc != MOBULA_OK) {
            return rc;
        }
        uint64_t so = slot_offset(store, slot);
        _Atomic uint32_t *pin = &store->pins[slot];

        /* Pin first, then look again (the Dekker handshake in the file comment): seq_cst RMW,
         * then seq_cst load, so that a concurrent delete either sees this pin or we see its
         * TOMBSTONE. */
        atomic_fetch_add_explicit(pin, 1, memory_order_seq_cst);
        uint32_t state = atomic_load_explicit(u32_at(store, so + MOBULA_SLOT_STATE), memory_order_seq_cst);
        /* The loads below come after the seq_cst (so at least acquire) load of state. If it is
         * SEALED, the slot is frozen while our pin holds: the node neither frees nor rewrites a
         * slot whose counters are not all zero. The generation check rejects a slot that was
         * deleted and refilled (even with the same id) between the lookup and the pin. */
        if (state == MOBULA_SLOT_SEALED &&
            atomic_load_explicit(u64_at(store, so + MOBULA_SLOT_ID_HIGH), memory_order_relaxed) == id_high &&
            atomic_load_explicit(u64_at(store, so + MOBULA_SLOT_ID_LOW), memory_order_relaxed) == id_low &&
            atomic_load_explicit(u64_at(store, so + MOBULA_SLOT_GENERATION), memory_order_relaxed) == generation) {
            uint64_t offset = atomic_load_explicit(u64_at(store, so + MOBULA_SLOT_OFFSET), memory_order_relaxed);
            uint64_t size = atomic_load_explicit(u64_at(store, so + MOBULA_SLOT_SIZE), memory_order_relaxed);
            uint32_t kind = atomic_load_explicit(u32_at(store, so + MOBULA_SLOT_KIND), memory_order_relaxed);
            uint64_t end;
            if (offset < store->data_offset || __builtin_add_overflow(offset, size, &end) ||
                end > store->data_offset + store->data_bytes) {
                atomic_fetch_sub_explicit(pin, 1, memory_order_release);
                return MOBULA_EFORMAT;
            }
            atomic_fetch_add_explicit(&store->pins_held, 1, memory_order_relaxed);
            out->data = store->base + offset;
            out->size = size;
            out->kind = kind;
            out->slot = slot;
            out->generation = generation;
            out->id_high = id_high;
            out->id_low = id_low;
            return MOBULA_OK;
        }
        /* The slot changed under us (deleted, or reused for another object): drop the pin and
         * look the id up again; it may have moved, or be gone. Release, as for any unpin. */
        atomic_fetch_sub_explicit(pin, 1, memory_order_release);
    }
}

int mobula_store_release(mobula_store *store, mobula_object *obj) {
    if (store == NULL || obj == NULL || obj->data == NULL || obj->slot >= store->index_slots) {
        return MOBULA_EINVAL;
    }
    /* Release: every read of the object's bytes happens before the node can see the count drop
     * (it reads counters after a full fence) and reuse the block. */
    uint32_t before = atomic_fetch_sub_explicit(&store->pins[obj->slot], 1, memory_order_release);
    if (before == 0) {
        /* Not pinned by us (a double release through a copy of the struct): undo the wrap. A
         * node that saw the transient 0xFFFFFFFF only postpones a free. */
        atomic_fetch_add_explicit(&store->pins[obj->slot], 1, memory_order_relaxed);
        return MOBULA_EINVAL;
    }
    atomic_fetch_sub_explicit(&store->pins_held, 1, memory_order_relaxed);
    obj->data = NULL;
    return MOBULA_OK;
}

/* ---- Waiting for a seal ---- */

static int64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int mobula_store_wait_get(mobula_store *store, uint64_t id_high, uint64_t id_low, int64_t timeout_ms,
                          mobula_object *out) {
    if (store == NULL || out == NULL) {
        return MOBULA_EINVAL;
    }
    int64_t deadline = 0;
    if (timeout_ms > 0) {
        int64_t limit_ms = INT64_MAX / 2 / 1000000; /* ~146 years; keeps the sum from overflowing */
        deadline = monotonic_ns() + (timeout_ms > limit_ms ? limit_ms : timeout_ms) * 1000000LL;
    }
    for (;;) {
        /*
         * Read the sequence before looking up, with acquire. If this load already sees the
         * node's increment for our object's seal, it synchronizes with that release increment,
         * which follows the `state = SEALED` store, so the lookup finds the object. If it does
         * not, the kernel's FUTEX_WAIT compares the word with `seq` atomically against
         * FUTEX_WAKE: either the increment has happened (EAGAIN, we look again) or we are queued
         * before the node's wake. Either way no seal is missed.
         */
        uint32_t seq = atomic_load_explicit(store->seal_sequence, memory_order_acquire);
        int rc = mobula_store_get(store, id_high, id_low, out);
        if (rc != MOBULA_ENOTFOUND && rc != MOBULA_ENOTSEALED) {
            return rc;
        }
        struct timespec left;
        struct timespec *timeout = NULL;
        if (timeout_ms == 0) {
            return MOBULA_ETIMEDOUT;
        }
        if (timeout_ms > 0) {
            int64_t remaining = deadline - monotonic_ns();
            if (remaining <= 0) {
                return MOBULA_ETIMEDOUT;
            }
            left.tv_sec = (time_t)(remaining / 1000000000LL);
            left.tv_nsec = (long)(remaining % 1000000000LL);
            timeout = &left;
        }
        /* FUTEX_WAIT, not FUTEX_WAIT_PRIVATE: the word is in a mapping shared with the node, so
         * the kernel must key it by the file page, not by our address space. The timeout is
         * relative (CLOCK_MONOTONIC). */
        long r = syscall(SYS_futex, (uint32_t *)store->seal_sequence, FUTEX_WAIT, seq, timeout, NULL, 0);
        if (r != 0 && errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) {
            return MOBULA_EIO;
        }
        /* Woken (by any seal, not necessarily ours), interrupted, value already changed, or timed
         * out: look again; the deadline check above ends the wait. */
    }
}

/* ---- Errors ---- */

const char *mobula_store_strerror(int code) {
    switch (code) {
    case MOBULA_OK:
        return "success";
    case MOBULA_ENOTFOUND:
        return "object not found in the arena";
    case MOBULA_ENOTSEALED:
        return "object is being created and not sealed yet";
    case MOBULA_ETIMEDOUT:
        return "timed out waiting for the object to be sealed";
    case MOBULA_EFORMAT:
        return "not a Mobula arena, or its header or index is inconsistent";
    case MOBULA_EVERSION:
        return "unsupported arena format version (this library reads version 2)";
    case MOBULA_EIO:
        return "system error accessing the arena";
    case MOBULA_EACCES:
        return "permission denied: the arena's data file must be readable and its control file readable and writable";
    case MOBULA_ENOCLIENT:
        return "the arena's client table is full";
    case MOBULA_EINVAL:
        return "invalid argument (or object not pinned)";
    case MOBULA_ENOMEM:
        return "out of memory";
    default:
        return "unknown mobula_store error";
    }
}
