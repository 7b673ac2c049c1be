// ccci-run: parse the configuration, build the runner, run, map the outcome to an exit code.
#include <iostream>

int main() {
  std::cerr << "ccci-run: not built yet\n";
  return 2;
}
