#pragma once
/// RecipeSteps: the recipe's own seeds and overlay checks (from its spec), run against the live
/// app. The deployment calls them at the right moments; it does not know what they do.
#include <vector>

#include "harness/result.hpp"
#include "runner/operations.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

class RecipeSteps {
 public:
  virtual ~RecipeSteps() = default;
  /// Runs the seeds of `op`; a seed that does not do what it should is ErrorKind::check_failed.
  virtual harness::Status seed(SeedOp op) = 0;
  /// Runs the overlay checks of `tier`; never throws, every check gets an outcome.
  virtual std::vector<CheckOutcome> checks(Tier tier) = 0;
};

}  // namespace ccci::runner
