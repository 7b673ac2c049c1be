#pragma once
/// The run's own abra home, made from the host's. ABRA_DIR names the operator's abra home (default
/// $HOME/.abra): there `abra server add` registered the server (a directory servers/<server>) and
/// the catalogue lives. Each run gets a home of its own under <state-dir>/abra/runs/<run id>, so
/// its recipe checkout, app .env and abra's logs are the run's alone and go with it.
#include <filesystem>
#include <string>

#include "harness/result.hpp"

namespace ccci::runner {

struct AbraHomes {
  std::filesystem::path host;  ///< the operator's abra home (ABRA_DIR)
  std::filesystem::path run;   ///< the run's own home, made here
  std::string server;          ///< the abra server apps are deployed to
};

/// Makes the run's home: a real directory servers/<server>/ (the run's app .env files stay in the
/// run's home, never in the host's) and, when the host has a catalogue/, a symlink to it. Refuses
/// with ErrorKind::infra, before anything is made, when <host>/servers/<server> is not a directory:
/// real abra refuses `app new` for a server it does not know; the message names the server, the
/// abra home and the fix (`abra server add --local` for the local swarm, `abra server add <host>`
/// otherwise).
harness::Status prepare_run_abra_home(const AbraHomes& homes);

}  // namespace ccci::runner
