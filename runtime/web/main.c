// heap-device's web runtime: the interpreter's whole interface to JavaScript.
//
// Strings cross, nothing else: JS hands the bridge (heap_device/browser/bridge.py, frozen in) one
// UTF-8 string at a time and gets its answer back as UTF-8 (static/heap-device-runtime.js).
//   hd_init()              start MicroPython and import the bridge; 0, or an error text
//   hd_buffer(size)        memory JS writes a string (or a site's .mpy) into; owned here
//   hd_site(size)          the buffer holds a site's transform (.mpy) of `size` bytes
//   hd_call(which)         which 0: bridge.start(), 1: bridge.receive(<buffer as text>);
//                          the answer's text (hd_length() bytes), or 0 with hd_error() set
// A site's transform is never frozen and there is no file system: Python asks for it through
// the built-in module _heap_device (site_module), which runs the .mpy the build shipped.

#include <stdlib.h>
#include <string.h>

#include "py/builtin.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/objmodule.h"
#include "py/objstr.h"
#include "py/persistentcode.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "py/stream.h"

#include "emscripten.h"

// Emscripten's C stack is at least 64 KB (runtime/variant/mpconfigvariant.mk); MicroPython's
// recursion check stops well before its end.
#define CSTACK_SIZE (32 * 1024)
#define PYSTACK_WORDS (2 * 1024)
#define HEAP_SIZE (1024 * 1024)

static mp_obj_t bridge_start;
static mp_obj_t bridge_receive;
static char *buffer;
static size_t buffer_size;
static byte *site_mpy;
static size_t site_len;
static char *answer;
static size_t answer_len;
static bool gc_pending;

// The message (or traceback) of the last failure, for JS to throw.
static char error_text[512];

static void keep_error(mp_obj_t exc) {
    vstr_t vstr;
    vstr_init_fixed_buf(&vstr, sizeof(error_text) - 1, error_text);
    mp_print_t print = {&vstr, (mp_print_strn_t)vstr_add_strn};
    mp_obj_print_exception(&print, exc);
    error_text[vstr.len < sizeof(error_text) ? vstr.len : sizeof(error_text) - 1] = '\0';
}

// The GC collects between calls, where no Python object lives on the C stack; until then the
// heap grows (MICROPY_GC_SPLIT_HEAP_AUTO), as the webassembly port does.
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

static mp_obj_t import_leaf(const char *dotted) {
    mp_obj_t module = mp_import_name(qstr_from_str(dotted), mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    const char *part = strchr(dotted, '.');
    while (part != NULL) {
        const char *end = strchr(part + 1, '.');
        size_t len = end ? (size_t)(end - part - 1) : strlen(part + 1);
        module = mp_load_attr(module, qstr_from_strn(part + 1, len));
        part = end;
    }
    return module;
}

EMSCRIPTEN_KEEPALIVE const char *hd_init(void) {
    mp_cstack_init_with_sp_here(CSTACK_SIZE);
    mp_obj_t *pystack = (mp_obj_t *)malloc(PYSTACK_WORDS * sizeof(mp_obj_t));
    mp_pystack_init(pystack, pystack + PYSTACK_WORDS);
    char *heap = (char *)malloc(HEAP_SIZE);
    gc_init(heap, heap + HEAP_SIZE);
    MP_STATE_MEM(gc_alloc_threshold) = 16 * 1024 / MICROPY_BYTES_PER_GC_BLOCK;
    mp_init();
    nlr_buf_t nlr;
    const char *failed = NULL;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t bridge = import_leaf("heap_device.browser.bridge");
        bridge_start = mp_load_attr(bridge, MP_QSTR_start);
        bridge_receive = mp_load_attr(bridge, MP_QSTR_receive);
        nlr_pop();
    } else {
        keep_error(MP_OBJ_FROM_PTR(nlr.ret_val));
        failed = error_text;
    }
    collect_if_asked();
    return failed;
}

EMSCRIPTEN_KEEPALIVE char *hd_buffer(size_t size) {
    if (size + 1 > buffer_size) {
        free(buffer);
        buffer_size = size + 1;
        buffer = (char *)malloc(buffer_size);
    }
    return buffer;
}

EMSCRIPTEN_KEEPALIVE void hd_site(size_t size) {
    free(site_mpy);
    site_mpy = (byte *)malloc(size);
    memcpy(site_mpy, buffer, size);
    site_len = size;
}

EMSCRIPTEN_KEEPALIVE const char *hd_call(int which, size_t size) {
    const char *result = NULL;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t got = which == 0
            ? mp_call_function_0(bridge_start)
            : mp_call_function_1(bridge_receive, mp_obj_new_str(buffer, size));
        size_t len;
        const char *text = mp_obj_str_get_data(got, &len);
        free(answer);
        answer = (char *)malloc(len + 1);
        memcpy(answer, text, len);
        answer[len] = '\0';
        answer_len = len;
        result = answer;
        nlr_pop();
    } else {
        keep_error(MP_OBJ_FROM_PTR(nlr.ret_val));
    }
    collect_if_asked();
    return result;
}

EMSCRIPTEN_KEEPALIVE size_t hd_length(void) {
    return answer_len;
}

EMSCRIPTEN_KEEPALIVE const char *hd_error(void) {
    return error_text;
}

// _heap_device.site_module(name): the site's transform the build shipped, run as module `name`
// (and kept in sys.modules under it), or None when this build has none. Its failure to load
// raises, as an import would: the bridge tells the site, never takes it for "no transform".
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
    mp_compiled_module_t compiled;
    compiled.context = context;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_raw_code_load_mem(site_mpy, site_len, &compiled);
        // Run it in its own globals, as an import does (py/builtinimport.c).
        mp_obj_dict_t *globals = mp_globals_get();
        mp_obj_dict_t *locals = mp_locals_get();
        mp_globals_set(context->module.globals);
        mp_locals_set(context->module.globals);
        nlr_buf_t inner;
        if (nlr_push(&inner) == 0) {
            mp_call_function_0(mp_make_function_from_proto_fun(compiled.rc, context, NULL));
            nlr_pop();
        } else {
            mp_globals_set(globals);
            mp_locals_set(locals);
            nlr_jump(inner.ret_val);
        }
        mp_globals_set(globals);
        mp_locals_set(locals);
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

// sys.stdin/stdout/stderr: no input, output is always ready.
uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    return poll_flags & MP_STREAM_POLL_WR;
}

// No file system: nothing to import from or open.
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
    abort();
}

void MP_NORETURN __fatal_error(const char *msg) {
    (void)msg;
    abort();
}
