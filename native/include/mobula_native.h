/* Mobula native library: the C entry points shared by every native part of Mobula. */
#ifndef MOBULA_NATIVE_H
#define MOBULA_NATIVE_H

#ifdef __cplusplus
extern "C" {
#endif

#define MOBULA_EXPORT __attribute__((visibility("default")))

/* The library's version as "MAJOR.MINOR.PATCH"; a static string, never NULL. */
MOBULA_EXPORT const char *mobula_native_version(void);

/* The object-store arena format version this library reads (see docs/object-store-format.md). */
MOBULA_EXPORT int mobula_native_arena_format_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MOBULA_NATIVE_H */
