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
#include "py/objstr.h"
#include "py/stream.h"

#include "emscripten.h"

// The heap, stacks, GC policy and _heap_device module, as the host build has them.
#include "heap_device.c"  // runtime/common/

static mp_obj_t bridge_start;
static mp_obj_t bridge_receive;
static char *buffer;
static size_t buffer_size;
static byte *site_copy;
static char *answer;
static size_t answer_len;

// The message (or traceback) of the last failure, for JS to throw.
static char error_text[512];

static void keep_error(mp_obj_t exc) {
    vstr_t vstr;
    vstr_init_fixed_buf(&vstr, sizeof(error_text) - 1, error_text);
    mp_print_t print = {&vstr, (mp_print_strn_t)vstr_add_strn};
    mp_obj_print_exception(&print, exc);
    error_text[vstr.len < sizeof(error_text) ? vstr.len : sizeof(error_text) - 1] = '\0';
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
    hd_start();
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
    hd_collect_if_asked();
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
    free(site_copy);
    site_copy = (byte *)malloc(size);
    memcpy(site_copy, buffer, size);
    hd_set_site(site_copy, size);
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
    hd_collect_if_asked();
    return result;
}

EMSCRIPTEN_KEEPALIVE size_t hd_length(void) {
    return answer_len;
}

EMSCRIPTEN_KEEPALIVE const char *hd_error(void) {
    return error_text;
}

// sys.stdin/stdout/stderr: no input, output is always ready.
uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    return poll_flags & MP_STREAM_POLL_WR;
}

void nlr_jump_fail(void *val) {
    (void)val;
    abort();
}

void MP_NORETURN __fatal_error(const char *msg) {
    (void)msg;
    abort();
}
