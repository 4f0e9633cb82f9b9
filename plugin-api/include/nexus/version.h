/*
 * nexus/version.h — ABI version and build signature.
 *
 * Compatibility rule, enforced by the host at load time:
 *   - the plugin's ABI major must equal the host's ABI major, and
 *   - the plugin's ABI minor must be <= the host's ABI minor
 *     (a plugin built against an older minor runs on a newer host; a plugin
 *      built against a newer minor may call host entries an older host lacks).
 * A minor bump only appends: new fields at the end of size-versioned structs,
 * new interface ids, new status codes. Anything else is a major bump.
 */
#pragma once

#define NEXUS_ABI_MAJOR 1
#define NEXUS_ABI_MINOR 1

/* What each minor added (see docs/abi.md):
 *   1.1  nexus_storage_v1.on_open: a storage object offered as a file. */

/* Byte-order code stored in the build signature. */
#define NEXUS_BYTE_ORDER_LITTLE 1
#define NEXUS_BYTE_ORDER_BIG 2

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NEXUS_BUILD_BYTE_ORDER NEXUS_BYTE_ORDER_BIG
#else
#define NEXUS_BUILD_BYTE_ORDER NEXUS_BYTE_ORDER_LITTLE
#endif

/* Symbol visibility for the one function a plugin exports. */
#if defined(_WIN32)
#define NEXUS_EXPORT __declspec(dllexport)
#else
#define NEXUS_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
#define NEXUS_EXTERN_C extern "C"
#else
#define NEXUS_EXTERN_C
#endif
