// Runs a libFuzzer harness without libFuzzer, for the ordinary (g++, ASan) test builds: every
// file named on the command line, and every file under every directory named (recursively, in
// path order), goes through LLVMFuzzerTestOneInput once. A crash or a violated property fails
// the test; the input responsible is named on stderr. A path that does not exist is an error.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Present only in sanitizer builds: lets the sanitizers' reports name the input too.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace {

std::string current_input;

void NameCurrentInput() {
  const std::string line = "replay: failing input: " + current_input + "\n";
  [[maybe_unused]] const auto written = write(STDERR_FILENO, line.data(), line.size());
}

void OnFatalSignal(int signal_number) {
  NameCurrentInput();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGABRT, OnFatalSignal);
  std::signal(SIGSEGV, OnFatalSignal);
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(NameCurrentInput);
  for (int arg = 1; arg < argc; ++arg) {
    const std::filesystem::path root(argv[arg]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(root)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else if (std::filesystem::is_regular_file(root)) {
      files.push_back(root);
    } else {
      std::fprintf(stderr, "replay: %s does not exist\n", argv[arg]);
      return 2;
    }
    for (const std::filesystem::path& file : files) {
      current_input = file.string();
      std::ifstream in(file, std::ios::binary);
      const std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
      // An exact-size copy, as libFuzzer makes, so that ASan sees a read past the end.
      const auto input = std::make_unique<std::uint8_t[]>(bytes.size());
      if (!bytes.empty()) std::memcpy(input.get(), bytes.data(), bytes.size());
      LLVMFuzzerTestOneInput(input.get(), bytes.size());
    }
    std::printf("replay: %zu inputs from %s\n", files.size(), argv[arg]);
  }
  return 0;
}
