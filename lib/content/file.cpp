#include "httpxx/file.hpp"

#include <string_view>

namespace httpxx {

File File::from_path(std::string path) {
  // The last path component, as Python's Path(path).name: trailing slashes do not count.
  std::string_view name = path;
  while (name.size() > 1 && name.back() == '/') name.remove_suffix(1);
  const std::size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  File file;
  file.filename = std::string(name);
  file.path = std::move(path);
  return file;
}

}  // namespace httpxx
