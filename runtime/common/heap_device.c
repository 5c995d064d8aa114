// What heap-device's two MicroPython builds share: the web build (runtime/web/main.c) and the host
// build (runtime/host/main.c) each #include this file, so that both run Python with the same heap,
// Python stack, C stack limit and GC policy, and give it the same _heap_device module. (Included,
// not compiled on its own: MicroPython's make rules build only the port folder's own sources.)
//
// The including file sets the site's transform with hd_set_site and calls hd_start, then
// hd_collect_if_asked after each top-level step.

#include <math.h>
#include <stdlib.h>

#include "py/gc.h"
#include "py/mperrno.h"
#include "py/objmodule.h"
#include "py/persistentcode.h"
#include "py/runtime.h"
#include "py/stackctrl.h"

// The C stack is at least 64 KB (Emscripten's, runtime/variant/mpconfigvariant.mk; WASI's default
// is larger): MicroPython's recursion check stops well before its end.
#define CSTACK_SIZE (32 * 1024)
#define PYSTACK_WORDS (2 * 1024)
#define HEAP_SIZE (1024 * 1024)

static const byte *site_mpy;
static size_t site_len;
static bool gc_pending;

// MicroPython, started with the limits above; call it where the C stack begins.
static void hd_start(void) {
    mp_cstack_init_with_sp_here(CSTACK_SIZE);
    mp_obj_t *pystack = (mp_obj_t *)malloc(PYSTACK_WORDS * sizeof(mp_obj_t));
    mp_pystack_init(pystack, pystack + PYSTACK_WORDS);
    char *heap = (char *)malloc(HEAP_SIZE);
    gc_init(heap, heap + HEAP_SIZE);
    MP_STATE_MEM(gc_alloc_threshold) = 16 * 1024 / MICROPY_BYTES_PER_GC_BLOCK;
    mp_init();
}

// The GC collects between top-level steps, where no Python object lives on the C stack (wasm
// locals cannot be scanned); until then the heap grows (MICROPY_GC_SPLIT_HEAP_AUTO), as the
// webassembly port does.
size_t gc_get_max_new_split(void) {
    return 128 * 1024 * 1024;
}

void gc_collect(void) {
    gc_pending = true;
}

static void hd_collect_if_asked(void) {
    if (gc_pending) {
        gc_pending = false;
        gc_collect_start();
        gc_collect_end();
    }
}

// Runs .mpy bytes in `context`'s globals, as an import does (py/builtinimport.c).
static void hd_run_mpy(mp_module_context_t *context, const byte *data, size_t len) {
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

// The site's transform (.mpy bytes, kept by the caller), or NULL: this build has none.
static void hd_set_site(const byte *mpy, size_t len) {
    site_mpy = mpy;
    site_len = len;
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
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        hd_run_mpy(context, site_mpy, site_len);
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

// No file system: nothing to import from or open.
mp_import_stat_t mp_import_stat(const char *path) {
    (void)path;
    return MP_IMPORT_STAT_NO_EXIST;
}

mp_obj_t mp_builtin_open(size_t n_args, const mp_obj_t *args, mp_map_t *kwargs) {
    mp_raise_OSError(MP_ENOENT);
}
MP_DEFINE_CONST_FUN_OBJ_KW(mp_builtin_open_obj, 1, mp_builtin_open);

#if !HEAP_DEVICE_TRANSFORMS
// math in a build without a transform: what heap_device's core uses (core/jstext.py), as
// MicroPython's math has them (py/modmath.c). The rest of math, and complex numbers (which use
// its trigonometry), were 16 KB of the .wasm, 9.1 KB brotli (runtime/README.md).
static mp_obj_t math_frexp(mp_obj_t x_in) {
    int exponent;
    mp_float_t fraction = MICROPY_FLOAT_C_FUN(frexp)(mp_obj_get_float(x_in), &exponent);
    mp_obj_t pair[2] = { mp_obj_new_float(fraction), mp_obj_new_int(exponent) };
    return mp_obj_new_tuple(2, pair);
}
static MP_DEFINE_CONST_FUN_OBJ_1(math_frexp_obj, math_frexp);

static mp_obj_t math_ldexp(mp_obj_t x_in, mp_obj_t exponent_in) {
    return mp_obj_new_float(MICROPY_FLOAT_C_FUN(ldexp)(mp_obj_get_float(x_in), mp_obj_get_int(exponent_in)));
}
static MP_DEFINE_CONST_FUN_OBJ_2(math_ldexp_obj, math_ldexp);

static const mp_rom_map_elem_t math_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_math) },
    { MP_ROM_QSTR(MP_QSTR_frexp), MP_ROM_PTR(&math_frexp_obj) },
    { MP_ROM_QSTR(MP_QSTR_ldexp), MP_ROM_PTR(&math_ldexp_obj) },
};
static MP_DEFINE_CONST_DICT(math_globals, math_globals_table);

const mp_obj_module_t heap_device_math_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&math_globals,
};
MP_REGISTER_MODULE(MP_QSTR_math, heap_device_math_module);
#endif
