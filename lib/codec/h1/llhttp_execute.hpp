#pragma once
// llhttp's entry point, run by the fastest copy of the parser this CPU can execute.
//
// llhttp's generated parser scans header names and values 16 bytes at a time with SSE4.2, but
// only where it is compiled for SSE4.2, which the x86-64 baseline lacks. subprojects/llhttp
// builds a second copy with SSE4.2 whose only global symbol is llhttp_sse42_execute, and
// defines LLHTTP_HAS_SSE42_EXECUTE when it does.

#include <cstddef>

#include <llhttp.h>

#if LLHTTP_HAS_SSE42_EXECUTE
extern "C" int llhttp_sse42_execute(llhttp_t* parser, const char* p, const char* endp);
#endif

namespace httpxx::detail::h1 {

// As llhttp_execute. Both copies come from the same state machine, so a parser set up by
// llhttp_init or llhttp_reset runs in either.
llhttp_errno_t execute_llhttp(llhttp_t* parser, const char* data, std::size_t size);

// Whether execute_llhttp runs the SSE4.2 copy.
bool llhttp_uses_sse42() noexcept;

}  // namespace httpxx::detail::h1
