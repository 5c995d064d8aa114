// setjmp/longjmp for the host build (Debian's wasi-libc has none): clang lowers calls to these
// two names into wasm exception handling (-mllvm -wasm-enable-sjlj), backed by sjlj.c.
#ifndef HOST_SETJMP_H
#define HOST_SETJMP_H

// What sjlj.c keeps in it: the invocation and label __wasm_setjmp records, and the value thrown.
typedef struct {
    void *invocation;
    unsigned int label;
    void *env;
    int value;
} host_jmp_buf;
typedef host_jmp_buf jmp_buf[1];

int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int value);

#endif
