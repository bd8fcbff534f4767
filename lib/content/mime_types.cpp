#include "content/mime_types.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>

namespace httpxx::detail {
namespace {

struct MimeType {
  std::string_view extension;   // lower case, without the dot
  std::string_view type;
};

// Python's built-in mimetypes table (what httpx guesses from on a system without mime.types),
// with common modern types added. Sorted by extension for binary search.
constexpr MimeType mime_types[] = {
    {"3g2", "audio/3gpp2"},
    {"3gp", "audio/3gpp"},
    {"3gpp", "audio/3gpp"},
    {"3gpp2", "audio/3gpp2"},
    {"7z", "application/x-7z-compressed"},
    {"a", "application/octet-stream"},
    {"aac", "audio/aac"},
    {"adts", "audio/aac"},
    {"ai", "application/postscript"},
    {"aif", "audio/x-aiff"},
    {"aifc", "audio/x-aiff"},
    {"aiff", "audio/x-aiff"},
    {"apng", "image/apng"},
    {"ass", "audio/aac"},
    {"atom", "application/atom+xml"},
    {"au", "audio/basic"},
    {"avi", "video/x-msvideo"},
    {"avif", "image/avif"},
    {"bat", "text/plain"},
    {"bcpio", "application/x-bcpio"},
    {"bin", "application/octet-stream"},
    {"bmp", "image/bmp"},
    {"br", "application/octet-stream"},
    {"bz2", "application/x-bzip2"},
    {"c", "text/plain"},
    {"cdf", "application/x-netcdf"},
    {"conf", "text/plain"},
    {"cpio", "application/x-cpio"},
    {"cpp", "text/plain"},
    {"csh", "application/x-csh"},
    {"css", "text/css"},
    {"csv", "text/csv"},
    {"dll", "application/octet-stream"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"dot", "application/msword"},
    {"dvi", "application/x-dvi"},
    {"eml", "message/rfc822"},
    {"eps", "application/postscript"},
    {"epub", "application/epub+zip"},
    {"etx", "text/x-setext"},
    {"exe", "application/octet-stream"},
    {"flac", "audio/flac"},
    {"geojson", "application/geo+json"},
    {"gif", "image/gif"},
    {"gtar", "application/x-gtar"},
    {"gz", "application/gzip"},
    {"h", "text/plain"},
    {"h5", "application/x-hdf5"},
    {"hdf", "application/x-hdf"},
    {"heic", "image/heic"},
    {"heif", "image/heif"},
    {"hpp", "text/plain"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/vnd.microsoft.icon"},
    {"ics", "text/calendar"},
    {"ief", "image/ief"},
    {"ini", "text/plain"},
    {"jar", "application/java-archive"},
    {"jpe", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "application/javascript"},
    {"json", "application/json"},
    {"jsonld", "application/ld+json"},
    {"jxl", "image/jxl"},
    {"ksh", "text/plain"},
    {"latex", "application/x-latex"},
    {"loas", "audio/aac"},
    {"log", "text/plain"},
    {"m1v", "video/mpeg"},
    {"m3u", "application/vnd.apple.mpegurl"},
    {"m3u8", "application/vnd.apple.mpegurl"},
    {"m4a", "audio/mp4"},
    {"m4v", "video/mp4"},
    {"man", "application/x-troff-man"},
    {"markdown", "text/markdown"},
    {"md", "text/markdown"},
    {"me", "application/x-troff-me"},
    {"mht", "message/rfc822"},
    {"mhtml", "message/rfc822"},
    {"mif", "application/x-mif"},
    {"mjs", "application/javascript"},
    {"mkv", "video/x-matroska"},
    {"mov", "video/quicktime"},
    {"movie", "video/x-sgi-movie"},
    {"mp2", "audio/mpeg"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mpa", "video/mpeg"},
    {"mpe", "video/mpeg"},
    {"mpeg", "video/mpeg"},
    {"mpg", "video/mpeg"},
    {"ms", "application/x-troff-ms"},
    {"n3", "text/n3"},
    {"nc", "application/x-netcdf"},
    {"ndjson", "application/x-ndjson"},
    {"nq", "application/n-quads"},
    {"nt", "application/n-triples"},
    {"nws", "message/rfc822"},
    {"o", "application/octet-stream"},
    {"obj", "application/octet-stream"},
    {"oda", "application/oda"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"opus", "audio/opus"},
    {"otf", "font/otf"},
    {"p12", "application/x-pkcs12"},
    {"p7c", "application/pkcs7-mime"},
    {"pbm", "image/x-portable-bitmap"},
    {"pdf", "application/pdf"},
    {"pfx", "application/x-pkcs12"},
    {"pgm", "image/x-portable-graymap"},
    {"pl", "text/plain"},
    {"png", "image/png"},
    {"pnm", "image/x-portable-anymap"},
    {"pot", "application/vnd.ms-powerpoint"},
    {"ppa", "application/vnd.ms-powerpoint"},
    {"ppm", "image/x-portable-pixmap"},
    {"pps", "application/vnd.ms-powerpoint"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"ps", "application/postscript"},
    {"pwz", "application/vnd.ms-powerpoint"},
    {"py", "text/x-python"},
    {"pyc", "application/x-python-code"},
    {"pyo", "application/x-python-code"},
    {"qt", "video/quicktime"},
    {"ra", "audio/x-pn-realaudio"},
    {"ram", "application/x-pn-realaudio"},
    {"rar", "application/vnd.rar"},
    {"ras", "image/x-cmu-raster"},
    {"rdf", "application/xml"},
    {"rgb", "image/x-rgb"},
    {"roff", "application/x-troff"},
    {"rss", "application/rss+xml"},
    {"rtf", "application/rtf"},
    {"rtx", "text/richtext"},
    {"sgm", "text/x-sgml"},
    {"sgml", "text/x-sgml"},
    {"sh", "application/x-sh"},
    {"shar", "application/x-shar"},
    {"snd", "audio/basic"},
    {"so", "application/octet-stream"},
    {"src", "application/x-wais-source"},
    {"srt", "text/plain"},
    {"sv4cpio", "application/x-sv4cpio"},
    {"sv4crc", "application/x-sv4crc"},
    {"svg", "image/svg+xml"},
    {"swf", "application/x-shockwave-flash"},
    {"t", "application/x-troff"},
    {"tar", "application/x-tar"},
    {"tcl", "application/x-tcl"},
    {"tex", "application/x-tex"},
    {"texi", "application/x-texinfo"},
    {"texinfo", "application/x-texinfo"},
    {"tgz", "application/gzip"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"toml", "application/toml"},
    {"tr", "application/x-troff"},
    {"trig", "application/trig"},
    {"tsv", "text/tab-separated-values"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain"},
    {"ustar", "application/x-ustar"},
    {"vcf", "text/x-vcard"},
    {"vtt", "text/vtt"},
    {"wasm", "application/wasm"},
    {"wav", "audio/x-wav"},
    {"weba", "audio/webm"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"wiz", "application/msword"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"wsdl", "application/xml"},
    {"xbm", "image/x-xbitmap"},
    {"xhtml", "application/xhtml+xml"},
    {"xlb", "application/vnd.ms-excel"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"xml", "text/xml"},
    {"xpdl", "application/xml"},
    {"xpm", "image/x-xpixmap"},
    {"xsl", "application/xml"},
    {"xwd", "image/x-xwindowdump"},
    {"xz", "application/x-xz"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"zip", "application/zip"},
    {"zst", "application/zstd"},
};

constexpr bool is_sorted_table() {
  for (std::size_t i = 1; i < std::size(mime_types); ++i) {
    if (!(mime_types[i - 1].extension < mime_types[i].extension)) return false;
  }
  return true;
}
static_assert(is_sorted_table(), "mime_types must be sorted by extension");

constexpr std::string_view octet_stream = "application/octet-stream";

}  // namespace

std::string_view guess_content_type(std::string_view filename) noexcept {
  const std::size_t slash = filename.find_last_of('/');
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  const std::size_t dot = filename.rfind('.');
  // A leading dot names a hidden file (".bashrc"), not an extension.
  if (dot == std::string_view::npos || dot == 0) return octet_stream;
  const std::string_view extension = filename.substr(dot + 1);

  std::array<char, 16> lower{};
  if (extension.empty() || extension.size() > lower.size()) return octet_stream;
  std::transform(extension.begin(), extension.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const std::string_view key(lower.data(), extension.size());
  const auto it = std::lower_bound(std::begin(mime_types), std::end(mime_types), key,
                                   [](const MimeType& m, std::string_view k) { return m.extension < k; });
  if (it != std::end(mime_types) && it->extension == key) return it->type;
  return octet_stream;
}

}  // namespace httpxx::detail
