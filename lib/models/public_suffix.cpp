#include "models/public_suffix.hpp"

#include <memory>
#include <string>

#include <libpsl.h>

namespace httpxx::detail {

namespace {

// The list is loaded once per process and shared: reading it costs milliseconds, and a
// psl_ctx_t is safe to query from several threads at once.
struct PublicSuffixList {
  PublicSuffixList() : loaded(psl_latest(nullptr)) {}
  ~PublicSuffixList() { psl_free(loaded); }
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;

  const psl_ctx_t* context() const noexcept { return loaded ? loaded : psl_builtin(); }

  psl_ctx_t* loaded;   // nullptr when no list file could be read
};

const PublicSuffixList& public_suffix_list() {
  static const PublicSuffixList list;
  return list;
}

}  // namespace

bool is_public_suffix(std::string_view domain) {
  const psl_ctx_t* psl = public_suffix_list().context();
  // Without any list, no domain can be judged; refusing none keeps cookies working.
  if (psl == nullptr) return false;
  const std::string name(domain);
  // Private-section suffixes (github.io, ...) count too: their subdomains belong to different
  // owners, which is what the rule protects.
  return psl_is_public_suffix2(psl, name.c_str(), PSL_TYPE_ANY) != 0;
}

}  // namespace httpxx::detail
