// A private directory for one test, removed with everything in it when the test is done.
#pragma once

#include <string>

namespace taskhost_test {

// A mkdtemp directory (0700) under the system's temp directory, removed on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

}  // namespace taskhost_test
