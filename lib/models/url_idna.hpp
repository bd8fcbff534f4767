#pragma once
// "domain to ASCII" of the WHATWG URL Standard (§3.3): UTS #46 ToASCII with CheckHyphens=false,
// CheckBidi=true, CheckJoiners=true, UseSTD3ASCIIRules=false, Transitional_Processing=false and
// VerifyDnsLength=false, done through libidn2.

#include <string>
#include <string_view>

namespace httpxx::detail {

// Writes the ASCII form of `domain` (UTF-8, already percent-decoded) to `out`. Returns false when
// the domain is not a valid IDNA domain or its ASCII form is empty.
bool domain_to_ascii(std::string_view domain, std::string& out);

}  // namespace httpxx::detail
