/*
 * The Rust code is built with panic=abort, so nothing in libcrsqlite ever unwinds. The
 * precompiled libcore/liballoc of the rustup toolchain were built with panic=unwind, though, and
 * their cleanup paths still reference _Unwind_Resume. Resolving it here, hidden, keeps the shared
 * object free of libgcc_s (and of a static unwinder, which needs glibc 2.35's _dl_find_object).
 * It is unreachable: no unwinding can start without _Unwind_RaiseException, which is not linked.
 */
__attribute__((visibility("hidden"), noreturn)) void _Unwind_Resume(void *exception) {
  (void)exception;
  __builtin_trap();
}
