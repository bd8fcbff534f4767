#include "codec/h1/llhttp_execute.hpp"

namespace httpxx::detail::h1 {

namespace {

using Execute = llhttp_errno_t (*)(llhttp_t*, const char*, std::size_t);

#if LLHTTP_HAS_SSE42_EXECUTE
llhttp_errno_t execute_sse42(llhttp_t* parser, const char* data, std::size_t size) {
  return static_cast<llhttp_errno_t>(llhttp_sse42_execute(parser, data, data + size));
}
#endif

Execute choose_execute() noexcept {
#if LLHTTP_HAS_SSE42_EXECUTE
  if (__builtin_cpu_supports("sse4.2")) return execute_sse42;
#endif
  return llhttp_execute;
}

// Chosen on first use, not during static initialisation, when the CPU model may not be known yet.
Execute chosen_execute() noexcept {
  static const Execute chosen = choose_execute();
  return chosen;
}

}  // namespace

llhttp_errno_t execute_llhttp(llhttp_t* parser, const char* data, std::size_t size) {
  return chosen_execute()(parser, data, size);
}

bool llhttp_uses_sse42() noexcept { return chosen_execute() != Execute{llhttp_execute}; }

}  // namespace httpxx::detail::h1
