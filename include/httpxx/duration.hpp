#pragma once

#include <chrono>

namespace httpxx {
// Seconds as a double, so 5s, 250ms and Duration(0.5) all convert.
using Duration = std::chrono::duration<double>;
}  // namespace httpxx
