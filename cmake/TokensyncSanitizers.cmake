# TOKENSYNC_SANITIZE: "" (none), "address" (AddressSanitizer + UndefinedBehaviorSanitizer)
# or "thread" (ThreadSanitizer). Applied to the compile and link of every target below the
# root CMakeLists.txt, so the libraries, the tests and the `tokensync` binary the cli and
# devnet tests spawn are all instrumented. `make test-asan` / `make test-tsan` use it
# (scripts/sanitizer-tests.sh sets the runtime options).
set(TOKENSYNC_SANITIZE "" CACHE STRING "Sanitizer build: empty, address (ASan+UBSan) or thread (TSan)")
set_property(CACHE TOKENSYNC_SANITIZE PROPERTY STRINGS "" address thread)

if(TOKENSYNC_SANITIZE STREQUAL "address")
  # -fno-sanitize-recover=all: a UBSan finding aborts the process instead of printing and
  # going on, so the test that hit it fails.
  set(tokensync_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(TOKENSYNC_SANITIZE STREQUAL "thread")
  set(tokensync_sanitizer_flags -fsanitize=thread)
elseif(NOT TOKENSYNC_SANITIZE STREQUAL "")
  message(FATAL_ERROR "TOKENSYNC_SANITIZE must be empty, address or thread, not '${TOKENSYNC_SANITIZE}'")
endif()

if(tokensync_sanitizer_flags)
  add_compile_options(${tokensync_sanitizer_flags} -fno-omit-frame-pointer)
  add_link_options(${tokensync_sanitizer_flags})
  # Some g++ 12 warnings are noise in these builds only, and -Werror would stop them; the
  # normal build keeps them as errors. With ASan/UBSan, -Wmaybe-uninitialized reports
  # libstdc++'s own std::regex/std::function internals (GCC's manual warns that sanitizers
  # raise its false positives). With TSan, -Wtsan says TSan does not model
  # atomic_thread_fence, which Boost.Asio's fenced blocks use around handler calls (the
  # io_context's handler queue is guarded by a mutex, which TSan does see). In both,
  # -Wmismatched-new-delete fires on Boost.Asio's own coroutine frame allocator
  # (awaitable_frame_base's operator new/delete, test_util/ws_test_server.cpp, at -O1).
  target_compile_options(tokensync_warnings INTERFACE -Wno-mismatched-new-delete)
  if(TOKENSYNC_SANITIZE STREQUAL "address")
    target_compile_options(tokensync_warnings INTERFACE -Wno-maybe-uninitialized)
  else()
    target_compile_options(tokensync_warnings INTERFACE -Wno-tsan)
  endif()
  message(STATUS "tokensync: sanitizer build (${TOKENSYNC_SANITIZE}): ${tokensync_sanitizer_flags}")
endif()

# Test timeouts (tokensync_test's TIMEOUT) are set for the normal build and multiplied by
# this in sanitizer builds. Measured on the 2-core CI machine: ASan runs the scenario tests
# about 1.5 times slower; TSan 4 to 6.5 times (engine_devnet_test's ParallelBackfill: 75 s
# under ASan, 309 to 481 s alone under TSan, over 600 s with a second test beside it).
if(TOKENSYNC_SANITIZE STREQUAL "address")
  set(tokensync_timeout_scale_default 2)
elseif(TOKENSYNC_SANITIZE STREQUAL "thread")
  set(tokensync_timeout_scale_default 8)
else()
  set(tokensync_timeout_scale_default 1)
endif()
set(TOKENSYNC_TEST_TIMEOUT_SCALE ${tokensync_timeout_scale_default} CACHE STRING
  "Multiplier of every test's timeout (default 1; 2 under ASan, 8 under TSan)")
