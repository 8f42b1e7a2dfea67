#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

// Test support: collects the outcome of every case of one data table, then reports the count
// and one failure per failing case.
namespace sg::version::distro::vectors {

class TableCheck {
 public:
  explicit TableCheck(std::string table) : table_(std::move(table)) {}
  TableCheck(const TableCheck&) = delete;
  TableCheck& operator=(const TableCheck&) = delete;
  ~TableCheck() {
    std::cout << table_ << ": " << passed_ << " passed, " << deviations_ << " known deviations, "
              << failures_.size() << " failed\n";
    for (const std::string& failure : failures_) ADD_FAILURE() << table_ << " " << failure;
    if (passed_ + deviations_ == 0 && failures_.empty())
      ADD_FAILURE() << table_ << " checked nothing";
  }

  /// Records case `index` as passed when `ok`, else as failed with `detail`.
  void Expect(bool ok, std::size_t index, const std::string& detail) {
    if (ok) {
      ++passed_;
    } else {
      failures_.push_back("case " + std::to_string(index) + ": " + detail);
    }
  }

  /// A case we knowingly answer differently: it must still behave as the deviation says.
  void Deviation(bool behaves_as_listed, std::size_t index, const std::string& detail) {
    if (behaves_as_listed) {
      ++deviations_;
    } else {
      failures_.push_back("case " + std::to_string(index) + " (listed deviation) " + detail);
    }
  }

 private:
  std::string table_;
  int passed_ = 0;
  int deviations_ = 0;
  std::vector<std::string> failures_;
};

}  // namespace sg::version::distro::vectors
