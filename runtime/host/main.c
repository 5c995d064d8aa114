// The host build's main: what the web build's runtime/web/main.c does at start (the same heap,
// Python stack, C stack limit and GC policy, and its _heap_device module), for a program that
// runs once under WASI:
//
//     micropython.wasm [--site SITE.mpy] [NAME=FILE ...] MAIN.mpy
//
// --site: the site's transform the build would ship, which Python gets as in the browser:
// _heap_device.site_module(name). Each NAME=FILE is run as module NAME, in the order given,
// before MAIN runs as __main__. A FILE ending in .mpy is bytecode (mpy-cross at the runtime's
// version); any other FILE becomes a module whose TEXT is the file's text (a program's input). A
// dotted NAME is also set on its package. Exit status: 0; 1 (an uncaught exception, printed to
// stderr as MicroPython prints it); 2 (bad arguments); 3 (a FILE could not be read).
#define _DEFAULT_SOURCE  // clock_gettime, getentropy under -std=c99
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "py/builtin.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/objmodule.h"
#include "py/persistentcode.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "library.h"

#if !MICROPY_GC_SPLIT_HEAP_AUTO
#error "the host build collects garbage as the web build does: only at the top level (MICROPY_GC_SPLIT_HEAP_AUTO)"
#endif

// As runtime/web/main.c.
#define CSTACK_SIZE (32 * 1024)
#define PYSTACK_WORDS (2 * 1024)
#define HEAP_SIZE (1024 * 1024)

enum { EXIT_RAISED = 1, EXIT_USAGE = 2, EXIT_UNREADABLE = 3 };

static byte *site_mpy;
static size_t site_len;
static bool gc_pending;

// The GC collects between top-level steps, where no Python object lives on the C stack (wasm
// locals cannot be scanned); until then the heap grows, as in the web build.
size_t gc_get_max_new_split(void) {
    return 128 * 1024 * 1024;
}

void gc_collect(void) {
    gc_pending = true;
}

static void collect_if_asked(void) {
    if (gc_pending) {
        gc_pending = false;
        gc_collect_start();
        gc_collect_end();
    }
}

static void host_init(void) {
    mp_cstack_init_with_sp_here(CSTACK_SIZE);
    mp_obj_t *pystack = (mp_obj_t *)malloc(PYSTACK_WORDS * sizeof(mp_obj_t));
    mp_pystack_init(pystack, pystack + PYSTACK_WORDS);
    char *heap = (char *)malloc(HEAP_SIZE);
    gc_init(heap, heap + HEAP_SIZE);
    MP_STATE_MEM(gc_alloc_threshold) = 16 * 1024 / MICROPY_BYTES_PER_GC_BLOCK;
    mp_init();
}

static char *read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return NULL;
    }
    size_t size = 0, room = 4096;
    char *data = malloc(room + 1);
    size_t got;
    while (data != NULL && (got = fread(data + size, 1, room - size, file)) > 0) {
        size += got;
        if (size == room) {
            room *= 2;
            data = realloc(data, room + 1);
        }
    }
    fclose(file);
    if (data != NULL) {
        data[size] = '\0';
        *len = size;
    }
    return data;
}

static bool is_mpy(const char *path) {
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".mpy") == 0;
}

// Runs .mpy bytes in `context`'s globals, as an import does (py/builtinimport.c).
static void run_mpy(mp_module_context_t *context, const byte *data, size_t len) {
    mp_compiled_module_t compiled;
    compiled.context = context;
    mp_raw_code_load_mem(data, len, &compiled);
    mp_obj_dict_t *globals = mp_globals_get();
    mp_obj_dict_t *locals = mp_locals_get();
    mp_globals_set(context->module.globals);
    mp_locals_set(context->module.globals);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_call_function_0(mp_make_function_from_proto_fun(compiled.rc, context, NULL));
        nlr_pop();
    } else {
        mp_globals_set(globals);
        mp_locals_set(locals);
        nlr_jump(nlr.ret_val);
    }
    mp_globals_set(globals);
    mp_locals_set(locals);
}

// Module NAME from FILE; a dotted NAME is also set on its (imported) package.
static void load_module(const char *name, const char *path, const char *data, size_t len) {
    mp_obj_t module = mp_obj_new_module(qstr_from_str(name));
    if (is_mpy(path)) {
        run_mpy((mp_module_context_t *)MP_OBJ_TO_PTR(module), (const byte *)data, len);
    } else {
        mp_store_attr(module, MP_QSTR_TEXT, mp_obj_new_str(data, len));
    }
    const char *dot = strrchr(name, '.');
    if (dot != NULL) {
        mp_obj_t package = mp_import_name(qstr_from_strn(name, dot - name), mp_const_none,
            MP_OBJ_NEW_SMALL_INT(0));
        // __import__("a.b") is "a": walk down to "a.b" itself.
        for (const char *part = strchr(name, '.'); part != dot; part = strchr(part + 1, '.')) {
            const char *end = strchr(part + 1, '.');
            package = mp_load_attr(package, qstr_from_strn(part + 1, end - part - 1));
        }
        mp_store_attr(package, qstr_from_str(dot + 1), module);
    }
}

static int run(int first, int argc, char **argv) {
    int status = 0;
    for (int i = first; i < argc && status == 0; ++i) {
        char *equals = strchr(argv[i], '=');
        const char *path = equals == NULL ? argv[i] : equals + 1;
        size_t len = 0;
        char *data = read_file(path, &len);
        if (data == NULL) {
            fprintf(stderr, "micropython.wasm: cannot read %s\n", path);
            return EXIT_UNREADABLE;
        }
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            if (equals != NULL) {
                *equals = '\0';
                load_module(argv[i], path, data, len);
            } else if (is_mpy(path)) {
                mp_module_context_t *context = m_new_obj(mp_module_context_t);
                context->module.globals = mp_globals_get();  // __main__'s
                run_mpy(context, (const byte *)data, len);
            } else {
                mp_raise_msg(&mp_type_ImportError, MP_ERROR_TEXT("script compilation not supported"));
            }
            nlr_pop();
        } else {
            mp_obj_print_exception(&mp_stderr_print, MP_OBJ_FROM_PTR(nlr.ret_val));
            status = EXIT_RAISED;
        }
        free(data);
        collect_if_asked();
    }
    return status;
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--site") == 0) {
        site_mpy = (byte *)read_file(argv[2], &site_len);
        if (site_mpy == NULL) {
            fprintf(stderr, "micropython.wasm: cannot read %s\n", argv[2]);
            return EXIT_UNREADABLE;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: micropython.wasm [--site SITE.mpy] [NAME=FILE ...] MAIN.mpy\n");
        return EXIT_USAGE;
    }
    host_init();
    int status = run(first, argc, argv);
    mp_deinit();
    return status;
}

// _heap_device.site_module(name): as runtime/web/main.c. The site's transform (--site), run as
// module `name` and kept in sys.modules, or None when there is none; its failure to load raises.
static mp_obj_t site_module(mp_obj_t name_in) {
    if (site_mpy == NULL) {
        return mp_const_none;
    }
    qstr name = mp_obj_str_get_qstr(name_in);
    mp_map_elem_t *loaded = mp_map_lookup(&MP_STATE_VM(mp_loaded_modules_dict).map,
        MP_OBJ_NEW_QSTR(name), MP_MAP_LOOKUP);
    if (loaded != NULL) {
        return loaded->value;
    }
    mp_module_context_t *context = MP_OBJ_TO_PTR(mp_obj_new_module(name));
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        run_mpy(context, site_mpy, site_len);
        nlr_pop();
    } else {
        // Not half a module in sys.modules: the next import fails the same way.
        mp_obj_dict_delete(MP_OBJ_FROM_PTR(&MP_STATE_VM(mp_loaded_modules_dict)), name_in);
        nlr_jump(nlr.ret_val);
    }
    return MP_OBJ_FROM_PTR(context);
}
static MP_DEFINE_CONST_FUN_OBJ_1(site_module_obj, site_module);

static const mp_rom_map_elem_t heap_device_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__heap_device) },
    { MP_ROM_QSTR(MP_QSTR_site_module), MP_ROM_PTR(&site_module_obj) },
};
static MP_DEFINE_CONST_DICT(heap_device_globals, heap_device_globals_table);

const mp_obj_module_t heap_device_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&heap_device_globals,
};
MP_REGISTER_MODULE(MP_QSTR__heap_device, heap_device_module);

// What runtime/web/library.js gives the web build, from WASI.
static uint64_t clock_ms(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

int mp_js_ticks_ms(void) {
    static uint64_t epoch = 0;
    if (epoch == 0) {
        epoch = clock_ms(CLOCK_MONOTONIC);
    }
    return (int)(clock_ms(CLOCK_MONOTONIC) - epoch);
}

double mp_js_time_ms(void) {
    return (double)clock_ms(CLOCK_REALTIME);
}

uint32_t mp_js_random_u32(void) {
    uint32_t value = 0;
    getentropy(&value, sizeof(value));
    return value;
}

// sys.stdin/stdout/stderr (shared/runtime/sys_stdio_mphal.c) ask whether stdin has data: never.
uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    (void)poll_flags;
    return 0;
}

// No file system: nothing to import from or open (as the web build).
mp_import_stat_t mp_import_stat(const char *path) {
    (void)path;
    return MP_IMPORT_STAT_NO_EXIST;
}

mp_obj_t mp_builtin_open(size_t n_args, const mp_obj_t *args, mp_map_t *kwargs) {
    mp_raise_OSError(MP_ENOENT);
}
MP_DEFINE_CONST_FUN_OBJ_KW(mp_builtin_open_obj, 1, mp_builtin_open);

void nlr_jump_fail(void *val) {
    (void)val;
    fprintf(stderr, "micropython.wasm: uncaught exception outside any handler\n");
    abort();
}

void MP_NORETURN __fatal_error(const char *msg) {
    fprintf(stderr, "micropython.wasm: fatal error: %s\n", msg);
    abort();
}
