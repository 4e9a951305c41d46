// Opening files and wording errno for the tensor-file readers and the ELF
// check before dlopen (cpu/SharedObjectCheck.cpp).

#include "FileErrors.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace seqc {

std::string lowerErrno() {
  std::string msg = std::strerror(errno);
  if (!msg.empty())
    msg[0] =
        static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  return msg;
}

bool openRegularFile(const std::string &path, int &fd, size_t &size,
                     std::string &why) {
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    why = "cannot open file: " + lowerErrno();
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fd = -1;
    why = "not a regular file";
    return false;
  }
  size = static_cast<size_t>(st.st_size);
  return true;
}

} // namespace seqc
