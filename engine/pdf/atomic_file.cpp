#include "engine/pdf/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace paiban::pdf {
namespace {

std::string os_error(const std::string& step, int err) { return step + ": " + std::strerror(err); }

// Closes the descriptor and removes the temporary file unless released (RAII for the POSIX fd).
class TempFile {
 public:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  int close() {
    const int r = ::close(fd_);
    fd_ = -1;
    return r;
  }
  void release() { path_.clear(); }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

std::string write_file_atomically(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  if (target.filename().empty()) return "invalid output path (no file name)";

  // The temporary file lives next to the target: rename(2) is atomic only within one file system.
  std::string base = ".";
  base += target.filename().string();
  base += ".tmp-XXXXXX";
  std::string tmpl = (dir / base).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return os_error("cannot create a temporary file in " + dir.string(), errno);
  TempFile tmp(fd, name.data());

  // mkstemp creates 0600; give the plate the usual permissions (umask applies).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(tmp.fd(), 0666 & ~mask);

  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(tmp.fd(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("cannot write " + tmp.path(), errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // A full disk can surface only at fsync or close (delayed allocation, NFS): check both.
  if (::fsync(tmp.fd()) != 0) return os_error("cannot flush " + tmp.path(), errno);
  if (tmp.close() != 0) return os_error("cannot close " + tmp.path(), errno);
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) return os_error("cannot rename onto " + path, errno);
  tmp.release();

  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);  // best effort: the file is complete either way
    ::close(dfd);
  }
  return {};
}

}  // namespace paiban::pdf
