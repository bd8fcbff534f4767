#pragma once

#include <string>
#include <utility>
#include <vector>

namespace httpxx {

// One multipart/form-data file part (RFC 7578). Either content held in memory, or a file on disk
// (from_path) that is streamed in chunks when the request is sent, never read whole.
struct File {
  std::string filename;
  std::string content;
  std::string content_type;     // "" = guessed from the filename's extension
  std::string path{};           // set by from_path: read from disk while sending

  static File from_path(std::string path);   // filename = the path's last component
};
using Files = std::vector<std::pair<std::string, File>>;

}  // namespace httpxx
