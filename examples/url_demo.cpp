// Parses URLs and builds request headers with httpxx's models, printing what it finds: joining
// relative references, query parameters, an internationalised host name, and case-insensitive
// headers that keep their order and original case.

#include <iostream>
#include <string>

#include <httpxx/errors.hpp>
#include <httpxx/headers.hpp>
#include <httpxx/query_params.hpp>
#include <httpxx/url.hpp>
#include <httpxx/version.hpp>

namespace {

void describe(const httpxx::URL& url) {
  std::cout << url.href() << "\n    scheme " << url.scheme() << ", host " << url.host()
            << ", port " << url.effective_port() << ", target " << url.target() << '\n';
  for (const auto& [key, value] : url.params()) {
    std::cout << "    param " << key << " = " << value << '\n';
  }
}

}  // namespace

int main() {
  const httpxx::URL base("https://example.org/docs/guide/index.html?lang=en#intro");
  std::cout << "parsed:\n";
  describe(base);

  std::cout << "joined with \"../api/client.html?v=2\":\n";
  describe(base.join("../api/client.html?v=2"));
  std::cout << "joined with \"//cdn.example.org/app.js\":\n";
  describe(base.join("//cdn.example.org/app.js"));

  std::cout << "parameters set and added:\n";
  describe(base.copy_set_param("lang", "fr").copy_add_param("q", "a b&c"));

  std::cout << "internationalised host, non-ASCII path and query:\n";
  describe(httpxx::URL("http://bücher.example:8080/straße?stadt=Köln"));

  try {
    httpxx::URL invalid("https://exa mple.org/");
  } catch (const httpxx::InvalidURL& e) {
    std::cout << "rejected \"https://exa mple.org/\": " << e.what() << '\n';
  }

  httpxx::Headers headers{{"Accept", "application/json"},
                          {"User-Agent", std::string("httpxx/") + httpxx::version}};
  headers.add("Accept-Language", "en");
  headers.add("accept-language", "fr;q=0.8");
  headers.set("ACCEPT", "text/html");
  std::cout << "headers, in order:\n";
  for (const auto& [name, value] : headers) {
    std::cout << "    " << name << ": " << value << '\n';
  }
  std::cout << "get(\"Accept-Language\") = " << headers.get("Accept-Language").value_or("") << '\n';
  return 0;
}
