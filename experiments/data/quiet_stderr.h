// Codec libraries (libpng, libjpeg) print their own complaints about a broken
// file to stderr before OpenCV hands back an empty image; sweep says what is
// wrong in its own words instead. While a QuietStderr lives, this process's
// stderr goes to /dev/null. It is process-wide, and holders on several
// threads may overlap: hold one only around work during which no other thread
// has anything to say.
#pragma once

namespace sweep {

class QuietStderr {
 public:
  QuietStderr();
  ~QuietStderr();
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;
};

}  // namespace sweep
