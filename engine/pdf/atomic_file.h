// Atomic replacement of an output file (DEVELOPERS.md: a failing run never replaces the last good
// PDF with a broken one): the bytes go to a temporary file in the target's directory, are fsync'ed,
// and only then renamed over the target; the directory is fsync'ed so the rename survives a crash.
#pragma once

#include <string>
#include <string_view>

namespace paiban::pdf {

// Returns an empty string on success, otherwise the OS error ("No space left on device", …)
// prefixed with the step that failed. The previous file at `path` is untouched on failure and
// no temporary file is left behind.
std::string write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace paiban::pdf
