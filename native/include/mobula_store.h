/*
 * mobula_store.h: zero-copy reader of a Mobula node's shared-memory object-store arena.
 *
 * The node (a JVM) owns the arena, two files in the format described by
 * docs/object-store-format.md (format version 2): the data file `/dev/shm/mobula-<node>.arena`
 * (header, index, objects; only the node writes it) and the control file beside it,
 * `/dev/shm/mobula-<node>.control` (client table and pin table, where readers register and pin).
 * Both are mode 0600: a reader runs as the node's user. This library lets any local process read
 * sealed objects out of the arena without copying:
 *
 *     mobula_store *store;
 *     int rc = mobula_store_open("/dev/shm/mobula-n1.arena", &store);
 *     if (rc != MOBULA_OK) { fprintf(stderr, "%s\n", mobula_store_strerror(rc)); ... }
 *     mobula_object obj;
 *     rc = mobula_store_wait_get(store, id_high, id_low, 1000, &obj);
 *     if (rc == MOBULA_OK) {
 *         use(obj.data, obj.size, obj.kind);      // bytes stay valid until the release
 *         mobula_store_release(store, &obj);
 *     }
 *     mobula_store_close(store);
 *
 * Pinning. A successful get pins the object: the node will not free or reuse its bytes while any
 * pin is held, even if the object is deleted meanwhile. Every successful get must be matched by
 * exactly one mobula_store_release. Pins are counted in this client's row of the arena's pin
 * table, so if the process dies the node reclaims them.
 *
 * Mapping. The data file is opened O_RDONLY and mapped read-only, so the reader needs no write
 * permission on it and the object bytes are `const`: writing through `data` faults. The control
 * file is opened read-write and mapped read-only except this client's row of the pin table (and,
 * briefly, its own client-table entry while it is claimed or freed).
 *
 * Threads. After open, get, wait_get and release may be called concurrently from any number of
 * threads on one store. close must not race with any other call on the same store.
 *
 * Fork. A store handle belongs to the process that opened it (its client entry carries that
 * pid). A forked child must not use its parent's handle; it opens its own.
 *
 * Errors. Functions return MOBULA_OK (0) or one of the positive mobula_status codes; on
 * MOBULA_EIO and MOBULA_EACCES, errno also holds the failing system call's error.
 */
#ifndef MOBULA_STORE_H
#define MOBULA_STORE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef MOBULA_STORE_EXPORT
#define MOBULA_STORE_EXPORT __attribute__((visibility("default")))
#endif

/* The arena format version this library reads. */
#define MOBULA_STORE_FORMAT_VERSION 2u

/*
 * The arena format (docs/object-store-format.md), for this library and for programs that inspect
 * or write arenas in tests. The node writes the file from the Java descriptors
 * (io.mobula.store.arena.ArenaDescriptor, IndexSlotDescriptor); ArenaFormatAgreementTest in the
 * object-store module fails the build if these numbers, the Java ones and the document disagree.
 * A field `fooBar` of a record is MOBULA_<RECORD>_FOO_BAR here.
 */
#define MOBULA_ARENA_MAGIC 0x3130414C55424F4DULL /* "MOBULA01" as little-endian bytes */
#define MOBULA_ARENA_HEADER_BYTES 4096u          /* the header's region, one page */
#define MOBULA_ARENA_HEADER_USED_BYTES 1144u     /* the start of it that holds fields */
#define MOBULA_ARENA_CLIENT_BYTES 64u            /* one client-table entry */
#define MOBULA_ARENA_SLOT_BYTES 64u              /* one index slot */
#define MOBULA_ARENA_PIN_BYTES 4u                /* one pin counter */
#define MOBULA_ARENA_PAGE_BYTES 4096u            /* index, pin table and data start on these */
#define MOBULA_ARENA_ALIGNMENT 64u               /* every object's block starts on this */

/* Header field offsets, from the start of the data file. The client table and the pin table are
 * in the control file, at the offsets the header gives. */
enum mobula_header_field {
    MOBULA_HEADER_MAGIC = 0,
    MOBULA_HEADER_FORMAT_VERSION = 8,
    MOBULA_HEADER_HEADER_BYTES = 12,
    MOBULA_HEADER_FILE_BYTES = 16,
    MOBULA_HEADER_CLIENT_TABLE_OFFSET = 24,
    MOBULA_HEADER_MAX_CLIENTS = 32,
    MOBULA_HEADER_CLIENT_BYTES = 36,
    MOBULA_HEADER_INDEX_OFFSET = 40,
    MOBULA_HEADER_INDEX_SLOTS = 48,
    MOBULA_HEADER_SLOT_BYTES = 52,
    MOBULA_HEADER_PIN_TABLE_OFFSET = 56,
    MOBULA_HEADER_DATA_OFFSET = 64,
    MOBULA_HEADER_DATA_BYTES = 72,
    MOBULA_HEADER_SEAL_SEQUENCE = 80, /* u32 futex word */
    MOBULA_HEADER_INDEX_SEQUENCE = 84, /* u32, odd while the node moves index entries */
    MOBULA_HEADER_OWNER_PID = 88,
    MOBULA_HEADER_OWNER_START_TIME = 96,
    MOBULA_HEADER_CONTROL_BYTES = 104,  /* size of the control file */
    MOBULA_HEADER_SPILL_PATH_BYTES = 112,
    MOBULA_HEADER_SPILL_PATH = 120       /* 1024 bytes, UTF-8; the node's, readers need it not */
};

/* Client-table entry field offsets, from the start of the entry. */
enum mobula_client_field {
    MOBULA_CLIENT_PID = 0,
    MOBULA_CLIENT_START_TIME = 8
};

/* Index slot field offsets, from the start of the slot. */
enum mobula_slot_field {
    MOBULA_SLOT_STATE = 0,
    MOBULA_SLOT_KIND = 4,
    MOBULA_SLOT_ID_HIGH = 8,
    MOBULA_SLOT_ID_LOW = 16,
    MOBULA_SLOT_OFFSET = 24,
    MOBULA_SLOT_SIZE = 32,
    MOBULA_SLOT_GENERATION = 40
};

/* The values of an index slot's state; any other value means the file is not this format. */
enum mobula_slot_state {
    MOBULA_SLOT_EMPTY = 0,
    MOBULA_SLOT_CREATED = 1,
    MOBULA_SLOT_SEALED = 2,
    MOBULA_SLOT_TOMBSTONE = 3
};

/* Status codes returned by every function that can fail. */
typedef enum mobula_status {
    MOBULA_OK = 0,
    MOBULA_ENOTFOUND = 1,   /* no object with that id in the index */
    MOBULA_ENOTSEALED = 2,  /* the id is in the index but still being written (CREATED) */
    MOBULA_ETIMEDOUT = 3,   /* wait_get: not sealed before the timeout */
    MOBULA_EFORMAT = 4,     /* not an arena (bad magic), an inconsistent header, or a corrupt slot */
    MOBULA_EVERSION = 5,    /* an arena, but of a format version this library does not read */
    MOBULA_EIO = 6,         /* a system call failed (open, fstat, read, mmap, mprotect, futex); see errno */
    MOBULA_EACCES = 7,      /* the data file cannot be read, or the control file cannot be opened read-write
                               (pins need write access): not the node's user?; see errno */
    MOBULA_ENOCLIENT = 8,   /* the client table is full: no free entry to register in */
    MOBULA_EINVAL = 9,      /* a NULL argument, or release of an object that is not pinned */
    MOBULA_ENOMEM = 10      /* out of memory for the handle */
} mobula_status;

/* An open arena (opaque). */
typedef struct mobula_store mobula_store;

/*
 * A pinned object, filled by mobula_store_get / mobula_store_wait_get. `data`, `size` and `kind`
 * are for the caller; the remaining fields are what mobula_store_release needs and should not be
 * changed. After release, `data` is NULL.
 */
typedef struct mobula_object {
    const void *data;   /* the object's bytes, inside the mapping; valid until released */
    uint64_t size;      /* number of bytes at data */
    uint32_t kind;      /* value encoding (io.mobula.store.codec.ValueKind: 1 Fory, 2 byte[], ...) */

    /* For release (private). */
    uint32_t slot;        /* index slot the pin was taken on */
    uint64_t generation;  /* the slot's generation when pinned */
    uint64_t id_high;
    uint64_t id_low;
} mobula_object;

/*
 * Opens the arena whose data file is `path` (`<name>.arena`; the control file is `<name>.control`
 * beside it) and registers this process as a client: claims a free entry of the client table
 * (CAS of pid 0 -> getpid()) and records the process start time in it.
 *
 * Returns MOBULA_OK and sets *out, or:
 *   MOBULA_EFORMAT    the file is not an arena (magic), its header is inconsistent, or the control
 *                     file is shorter than the header says
 *   MOBULA_EVERSION   formatVersion is not MOBULA_STORE_FORMAT_VERSION
 *   MOBULA_ENOCLIENT  every reader entry of the client table is taken
 *   MOBULA_EACCES     the data file cannot be read or the control file cannot be opened
 *                     read-write (errno set)
 *   MOBULA_EIO        another system error, e.g. a missing file (errno set)
 *   MOBULA_EINVAL     NULL arguments, or `path` does not end with ".arena"
 *   MOBULA_ENOMEM
 */
MOBULA_STORE_EXPORT int mobula_store_open(const char *path, mobula_store **out);

/*
 * Frees this client's entry and unmaps the arena. Pins still held are dropped (this client's
 * pin-table row is zeroed first), and every `data` pointer obtained from the store becomes
 * invalid. NULL is accepted and ignored.
 */
MOBULA_STORE_EXPORT void mobula_store_close(mobula_store *store);

/*
 * Looks up the object (id_high, id_low), pins it and fills *out. Does not wait.
 * Returns MOBULA_OK, MOBULA_ENOTFOUND, MOBULA_ENOTSEALED (created, not yet sealed),
 * MOBULA_EFORMAT (the slot points outside the data region) or MOBULA_EINVAL.
 */
MOBULA_STORE_EXPORT int mobula_store_get(mobula_store *store, uint64_t id_high, uint64_t id_low,
                                         mobula_object *out);

/*
 * Like mobula_store_get, but if the object is not sealed yet, sleeps on the arena's seal futex
 * until it is or `timeout_ms` milliseconds have passed. timeout_ms < 0 waits without limit;
 * timeout_ms == 0 checks once. Returns MOBULA_ETIMEDOUT when the time runs out.
 */
MOBULA_STORE_EXPORT int mobula_store_wait_get(mobula_store *store, uint64_t id_high, uint64_t id_low,
                                              int64_t timeout_ms, mobula_object *out);

/*
 * Unpins an object obtained from this store. Its bytes must not be touched afterwards.
 * Returns MOBULA_OK, or MOBULA_EINVAL if `obj` is NULL, was already released, or holds no pin.
 */
MOBULA_STORE_EXPORT int mobula_store_release(mobula_store *store, mobula_object *obj);

/* A static, human-readable description of a status code; never NULL. */
MOBULA_STORE_EXPORT const char *mobula_store_strerror(int code);

/* This client's entry in the client table (>= 1; entry 0 is the node). */
MOBULA_STORE_EXPORT uint32_t mobula_store_client_index(const mobula_store *store);

/*
 * The index hash of an id: the same value as Java's ObjectId.hashCode(), as unsigned 32 bits.
 * The id's home slot is mobula_store_id_hash(hi, lo) & (indexSlots - 1).
 */
MOBULA_STORE_EXPORT uint32_t mobula_store_id_hash(uint64_t id_high, uint64_t id_low);

#ifdef __cplusplus
}
#endif

#endif /* MOBULA_STORE_H */
