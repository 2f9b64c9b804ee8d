// Atomic output (issue 8 §3): every file is written to a temporary name in the target directory,
// flushed to disk and renamed over the target only when complete. A crash or a full disk leaves
// either the complete old file or the complete new one, never a torn file.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/diagnostics.h"

namespace paiban {

// Writes `content` to `path` atomically. On failure reports io.write-failed (with the OS error)
// and leaves any previous file untouched.
bool write_file_atomic(const std::string& path, std::string_view content, Diagnostics& diags);

}  // namespace paiban
