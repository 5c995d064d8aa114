// The runtime clang's wasm setjmp/longjmp lowering calls (newer wasi-libc ships its own).
// setjmp records which call of which function it was (an invocation id and a label); longjmp
// throws the C_LONGJMP exception carrying {env, value}; each function that called setjmp catches
// it, and __wasm_setjmp_test tells it whether that env is one of its own (the label) or not (0).
#include <setjmp.h>
#include <stdint.h>

void __wasm_setjmp(void *env, uint32_t label, void *invocation) {
    host_jmp_buf *buf = env;
    if (label == 0 || invocation == 0) {
        __builtin_trap();
    }
    buf->invocation = invocation;
    buf->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation) {
    host_jmp_buf *buf = env;
    return buf->invocation == invocation ? buf->label : 0;
}

void __wasm_longjmp(void *env, int value) {
    host_jmp_buf *buf = env;
    buf->env = env;
    buf->value = value == 0 ? 1 : value;
    __builtin_wasm_throw(1, &buf->env);  // tag 1: __c_longjmp, the tag clang's lowering catches
}
