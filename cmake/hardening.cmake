# Hardening of the shipped build (issue 11; what lintian's hardening checks look for):
#  - -D_FORTIFY_SOURCE=2 in optimized builds: glibc checks buffer sizes it can see at compile
#    time (memcpy, read, snprintf...). It needs optimization, and the sanitizer and fuzzing
#    builds check more themselves, so Debug, TASKHOST_SANITIZE, TASKHOST_TSAN and TASKHOST_FUZZ
#    builds go without it. -U first: a compiler that already defines it must not warn.
#  - -z relro -z now for every linked binary and plugin: all symbols are bound at load and the
#    GOT is read-only from then on. The host already dlopens plugins with RTLD_NOW.
# PIE and the stack protector are Debian's compiler defaults.
if(NOT (TASKHOST_SANITIZE OR TASKHOST_TSAN OR TASKHOST_FUZZ))
  set(taskhost_optimized "$<CONFIG:Release,RelWithDebInfo,MinSizeRel>")
  add_compile_options("$<${taskhost_optimized}:-U_FORTIFY_SOURCE>"
                      "$<${taskhost_optimized}:-D_FORTIFY_SOURCE=2>")
endif()
add_link_options(LINKER:-z,relro LINKER:-z,now)
