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
#include "library.h"

// The heap, stacks, GC policy and _heap_device module, as the web build has them.
#include "heap_device.c"  // runtime/common/

#if !MICROPY_GC_SPLIT_HEAP_AUTO
#error "the host build collects garbage as the web build does: only at the top level (MICROPY_GC_SPLIT_HEAP_AUTO)"
#endif

enum { EXIT_RAISED = 1, EXIT_USAGE = 2, EXIT_UNREADABLE = 3 };

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

// Module NAME from FILE; a dotted NAME is also set on its (imported) package.
static void load_module(const char *name, const char *path, const char *data, size_t len) {
    mp_obj_t module = mp_obj_new_module(qstr_from_str(name));
    if (is_mpy(path)) {
        hd_run_mpy((mp_module_context_t *)MP_OBJ_TO_PTR(module), (const byte *)data, len);
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
                hd_run_mpy(context, (const byte *)data, len);
            } else {
                mp_raise_msg(&mp_type_ImportError, MP_ERROR_TEXT("script compilation not supported"));
            }
            nlr_pop();
        } else {
            mp_obj_print_exception(&mp_stderr_print, MP_OBJ_FROM_PTR(nlr.ret_val));
            status = EXIT_RAISED;
        }
        free(data);
        hd_collect_if_asked();
    }
    return status;
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--site") == 0) {
        size_t len = 0;
        char *site = read_file(argv[2], &len);
        if (site == NULL) {
            fprintf(stderr, "micropython.wasm: cannot read %s\n", argv[2]);
            return EXIT_UNREADABLE;
        }
        hd_set_site((const byte *)site, len);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: micropython.wasm [--site SITE.mpy] [NAME=FILE ...] MAIN.mpy\n");
        return EXIT_USAGE;
    }
    hd_start();
    int status = run(first, argc, argv);
    mp_deinit();
    return status;
}

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

void nlr_jump_fail(void *val) {
    (void)val;
    fprintf(stderr, "micropython.wasm: uncaught exception outside any handler\n");
    abort();
}

void MP_NORETURN __fatal_error(const char *msg) {
    fprintf(stderr, "micropython.wasm: fatal error: %s\n", msg);
    abort();
}
