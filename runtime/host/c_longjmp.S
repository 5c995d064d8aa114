# The exception tag longjmp throws and every setjmp-calling function catches (clang's wasm
# setjmp/longjmp lowering names it; newer wasi-libc defines it).
.globl __c_longjmp
.tagtype __c_longjmp i32
__c_longjmp:
