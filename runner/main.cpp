// ccci-run: gather the environment and arguments, run, map to an exit code. The one catch-all.
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "runner/app.hpp"

extern char** environ;

int main(int argc, char** argv) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string pair = *entry;
    auto eq = pair.find('=');
    if (eq != std::string::npos) env.emplace(pair.substr(0, eq), pair.substr(eq + 1));
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return ccci::runner::run_ccci(env, args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "ccci-run: internal error: " << e.what() << "\n";
    return 3;
  }
}
