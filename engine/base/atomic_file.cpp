#include "engine/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace paiban {

bool write_file_atomic(const std::string& path, std::string_view content, Diagnostics& diags) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Appended piecewise: g++ 12 warns falsely (-Wrestrict, GCC PR 105329) on "." + s + "…".
  std::string name = ".";
  name += target.filename().string();
  name += ".XXXXXX";
  std::string tmpl = (dir / name).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    diags.error("io.write-failed", SourceLoc(path), std::string("cannot create a temporary file: ") + std::strerror(errno),
                "check that the output directory exists and is writable");
    return false;
  }
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    diags.error("io.write-failed", SourceLoc(path), std::string(what) + ": " + std::strerror(err),
                "the previous file, if any, is untouched");
    return false;
  };
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) return fail("cannot set permissions");
  if (::fsync(fd) != 0) return fail("cannot flush to disk");
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    diags.error("io.write-failed", SourceLoc(path), std::string("cannot close: ") + std::strerror(errno));
    return false;
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    diags.error("io.write-failed", SourceLoc(path), std::string("cannot rename into place: ") + std::strerror(err));
    return false;
  }
  return true;
}

}  // namespace paiban
