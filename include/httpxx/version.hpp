#pragma once

#define HTTPXX_VERSION_MAJOR 0
#define HTTPXX_VERSION_MINOR 1
#define HTTPXX_VERSION_PATCH 0
#define HTTPXX_VERSION_STRING "0.1.0"

namespace httpxx {
inline constexpr const char* version = HTTPXX_VERSION_STRING;
}  // namespace httpxx
