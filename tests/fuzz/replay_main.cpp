// Drives a libFuzzer entry point without libFuzzer (g++ builds, CI): runs every file given on the
// command line (seed corpora), then a fixed number of deterministic mutations of them, so each fuzz
// target is also an ordinary ctest test under ASan/UBSan. Real fuzzing: configure with
// -DPOSTAMT_FUZZ=ON and CXX=clang++ to get libFuzzer binaries instead.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
std::vector<std::string> load(int argc, char** argv) {
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) continue;
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (seeds.empty()) seeds.emplace_back("");
  return seeds;
}

void run(const std::string& s) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// Byte flips, insertions of structural characters, truncations, splices of two seeds.
std::string mutate(const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  static const char kInteresting[] = "\r\n:;=\"\\-{}()[]<>@. \t\0\x80\xff=?";
  std::string s = seeds[rng() % seeds.size()];
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:
        if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(rng());
        break;
      case 1: s.insert(pos, 1, kInteresting[rng() % (sizeof kInteresting - 1)]); break;
      case 2: s.resize(pos); break;
      case 3: {
        const auto& other = seeds[rng() % seeds.size()];
        std::size_t from = other.empty() ? 0 : rng() % other.size();
        s.insert(pos, other.substr(from, rng() % 256));
        break;
      }
      case 4:
        if (!s.empty() && pos < s.size()) s.erase(pos, rng() % 16);
        break;
    }
  }
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("POSTAMT_FUZZ_ITERATIONS");
  long iterations = env ? std::atol(env) : 3000;
  auto seeds = load(argc, argv);
  for (const auto& s : seeds) run(s);
  std::mt19937_64 rng(0x9057a);
  for (long i = 0; i < iterations; ++i) run(mutate(seeds, rng));
  std::printf("replayed %zu seeds and %ld mutations\n", seeds.size(), iterations);
  return 0;
}
