#include "core/file_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <streambuf>
#include <string>

#include "core/errors.h"

namespace sweep {
namespace {

// A stream buffer over an open file whose bytes leave through
// System::write_some; it keeps the errno of the first write that failed.
class FileBuffer : public std::streambuf {
 public:
  FileBuffer(System& system, int fd) : system_(system), fd_(fd) {
    setp(buffer_, buffer_ + sizeof buffer_);
  }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  // Large blocks (tensor data) go straight to the file, not through the buffer.
  std::streamsize xsputn(const char* data, std::streamsize count) override {
    if (count < static_cast<std::streamsize>(sizeof buffer_)) {
      return std::streambuf::xsputn(data, count);
    }
    return drain() && put(data, static_cast<size_t>(count)) ? count : 0;
  }

  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const bool ok = put(pbase(), static_cast<size_t>(pptr() - pbase()));
    setp(buffer_, buffer_ + sizeof buffer_);
    return ok;
  }

  bool put(const char* data, size_t count) {
    while (count > 0 && error_ == 0) {
      const int64_t written = system_.write_some(fd_, data, count);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        error_ = written < 0 ? errno : EIO;
        break;
      }
      data += written;
      count -= static_cast<size_t>(written);
    }
    return error_ == 0;
  }

  System& system_;
  int fd_;
  int error_ = 0;
  char buffer_[1 << 16];
};

// A name beside `path` that no other writer, in this process or another, uses.
std::string temporary_name(const std::filesystem::path& path, System& system) {
  static std::atomic<uint64_t> counter{0};
  return path.string() + ".tmp." + std::to_string(system.process_id()) + "." +
         std::to_string(counter++);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason) {
  throw RuntimeError(path.string() + ": cannot write (" + reason + ")");
}

}  // namespace

void write_file(System& system, const std::filesystem::path& path,
                const std::function<void(std::ostream&)>& write) {
  const std::string tmp = temporary_name(path, system);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, std::strerror(errno));
  const auto discard = [&](int open_fd) {
    if (open_fd >= 0) ::close(open_fd);
    ::unlink(tmp.c_str());
  };
  FileBuffer buffer(system, fd);
  std::ostream out(&buffer);
  try {
    write(out);
    out.flush();
  } catch (const std::exception& e) {
    // A writer that gives up when its stream fails (LibTorch's does) throws its
    // own words; the stream's errno says why.
    discard(fd);
    fail(path, buffer.error() != 0 ? std::strerror(buffer.error()) : first_line(e.what()));
  }
  if (!out || buffer.error() != 0) {
    discard(fd);
    fail(path, buffer.error() != 0 ? std::strerror(buffer.error()) : "the writer stopped early");
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    discard(fd);
    fail(path, std::strerror(error));
  }
  if (::close(fd) != 0) {
    const int error = errno;
    discard(-1);
    fail(path, std::strerror(error));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    discard(-1);
    fail(path, std::strerror(error));
  }
}

}  // namespace sweep
